# syntax=docker/dockerfile:1
# The .NET Aspire dashboard (OTLP receiver and telemetry UI), unchanged except for one addition: the health
# probe from deploy/docker/HealthProbe. The dashboard image is distroless (no shell, curl or wget), so without
# it Compose has nothing to run as a health check. The probe targets .NET 8 and rolls forward, so it runs on
# the dashboard's own runtime.
#   docker build -f deploy/docker/Dashboard.Dockerfile -t platform-dashboard .
ARG ASPIRE_DASHBOARD_IMAGE=mcr.microsoft.com/dotnet/aspire-dashboard:9.5

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS probe
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY deploy/docker/HealthProbe/ deploy/docker/HealthProbe/
RUN dotnet restore deploy/docker/HealthProbe/HealthProbe.csproj
RUN dotnet publish deploy/docker/HealthProbe/HealthProbe.csproj -c Release -o /probe --no-restore

FROM ${ASPIRE_DASHBOARD_IMAGE} AS final
COPY --from=probe /probe /probe
# The image already runs as its non-root user "app" (APP_UID, 1654, from the .NET base image); said here so that it
# stays so whatever the base does. The probe's files are root's and world-readable, which is all the user needs.
USER $APP_UID
