# syntax=docker/dockerfile:1
# Platform.Query: read side on PostgreSQL; HTTP/1.1 (/health/*) on 8080, gRPC (HTTP/2) on 8081.
# Build from the repository root:
#   docker build -f deploy/docker/Query.Dockerfile -t platform-query .

# ---- health probe: see deploy/docker/HealthProbe (the runtime image has no curl or wget) ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS probe
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY deploy/docker/HealthProbe/ deploy/docker/HealthProbe/
RUN dotnet restore deploy/docker/HealthProbe/HealthProbe.csproj
RUN dotnet publish deploy/docker/HealthProbe/HealthProbe.csproj -c Release -o /probe --no-restore

# ---- build ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first: the restore layer stays cached until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY contracts/Platform.Contracts/Platform.Contracts.csproj contracts/Platform.Contracts/
COPY services/ServiceDefaults/Platform.ServiceDefaults/Platform.ServiceDefaults.csproj services/ServiceDefaults/Platform.ServiceDefaults/
COPY services/Text/Platform.Text/Platform.Text.csproj services/Text/Platform.Text/
COPY services/Query/Platform.Query/Platform.Query.csproj services/Query/Platform.Query/
RUN dotnet restore services/Query/Platform.Query/Platform.Query.csproj
# Then the sources (bin/ and obj/ are excluded by .dockerignore, so the restore output above survives).
COPY contracts/ contracts/
COPY services/ServiceDefaults/Platform.ServiceDefaults/ services/ServiceDefaults/Platform.ServiceDefaults/
COPY services/Text/Platform.Text/ services/Text/Platform.Text/
COPY services/Query/Platform.Query/ services/Query/Platform.Query/
RUN dotnet publish services/Query/Platform.Query/Platform.Query.csproj -c Release -o /app --no-restore -p:UseAppHost=false

# ---- runtime ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
# Endpoints come from Kestrel configuration, so the base image's default port binding is switched off.
ENV ASPNETCORE_HTTP_PORTS= \
    Kestrel__Endpoints__Http__Url=http://0.0.0.0:8080 \
    Kestrel__Endpoints__Grpc__Url=http://0.0.0.0:8081 \
    Kestrel__Endpoints__Management__Url=http://0.0.0.0:8082
# 8080 HTTP API, 8081 gRPC API, 8082 health (no credentials; never published).
EXPOSE 8080 8081 8082
COPY --from=probe /probe /probe
COPY --from=build /app ./
# Non-root: the "app" user that the aspnet image provides.
USER $APP_UID
ENTRYPOINT ["dotnet", "Platform.Query.dll"]
