using Platform.Deployment.Tests.Infrastructure;

namespace Platform.Deployment.Tests;

public sealed class ComposeFileTests
{
    private const string DashboardOtlpPort = "18889";

    private static ComposeFile Compose => DeploymentFiles.Compose;

    public static TheoryData<string> AllServices => DeploymentFiles.AllServiceNames;

    public static TheoryData<string> BuiltServices => DeploymentFiles.BuiltServiceNames;

    public static TheoryData<string> DotnetServices => DeploymentFiles.DotnetServiceNames;

    [Fact]
    public void Defines_the_four_services_their_infrastructure_the_dashboard_and_the_monitoring()
    {
        Compose.Services.Keys.Order(StringComparer.Ordinal).ShouldBe(
            ["dashboard", "extraction", "geocoding", "grafana", "ingestion", "postgres", "prometheus", "query", "rabbitmq"]);
        DeploymentFiles.DotnetServices.Select(service => service.Name).Order(StringComparer.Ordinal).ShouldBe(
            ["extraction", "geocoding", "ingestion", "query"]);
    }

    [Theory]
    [InlineData("ingestion", "services/Ingestion/Platform.Ingestion/Platform.Ingestion.csproj")]
    [InlineData("extraction", "services/Extraction/Platform.Extraction/Platform.Extraction.csproj")]
    [InlineData("geocoding", "services/Geocoding/Platform.Geocoding/Platform.Geocoding.csproj")]
    [InlineData("query", "services/Query/Platform.Query/Platform.Query.csproj")]
    public void Each_service_image_is_built_from_its_own_project(string service, string project)
    {
        DeploymentFiles.PublishedServiceProject(DeploymentFiles.Service(service)).ShouldBe(project);
        File.Exists(Repository.PathOf(project)).ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(BuiltServices))]
    public void Build_context_and_dockerfile_exist(string service)
    {
        var build = DeploymentFiles.Build(DeploymentFiles.Service(service));

        Directory.Exists(build.Context).ShouldBeTrue($"build context {build.Context} of '{service}'");
        File.Exists(build.Dockerfile).ShouldBeTrue($"dockerfile {build.Dockerfile} of '{service}'");
        build.Dockerfile.ShouldStartWith(build.Context + Path.DirectorySeparatorChar, customMessage: "the Dockerfile must lie inside its build context");
    }

    [Fact]
    public void Every_dockerfile_in_deploy_docker_is_used()
    {
        var used = Compose.Services.Values.Select(service => service.Build?.Dockerfile).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.EnumerateFiles(Repository.PathOf("deploy/docker"), "*Dockerfile", SearchOption.AllDirectories);

        onDisk.Where(file => !used.Contains(file)).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AllServices))]
    public void Every_service_has_a_health_check(string service)
    {
        var compose = DeploymentFiles.Service(service);
        var test = compose.HealthcheckTest;

        compose.Healthcheck.ShouldNotBeNull($"'{service}' has no healthcheck");
        test.Count.ShouldBeGreaterThanOrEqualTo(2, $"'{service}' healthcheck test: [{string.Join(", ", test)}]");
        test[0].ShouldBeOneOf("CMD", "CMD-SHELL");
        ComposeFile.Scalar(compose.Healthcheck, "disable").ShouldNotBe("true");
    }

    [Fact]
    public void Infrastructure_health_checks_use_the_images_own_tools()
    {
        DeploymentFiles.Service("rabbitmq").HealthcheckTest.ShouldBe(["CMD", "rabbitmq-diagnostics", "-q", "ping"]);
        var postgres = DeploymentFiles.Service("postgres").HealthcheckTest;
        postgres.Take(2).ShouldBe(["CMD", "pg_isready"]);
        postgres.ShouldContain("platform");
    }

    [Fact]
    public void Depends_on_names_only_defined_services_and_valid_conditions()
    {
        foreach (var service in Compose.Services.Values)
        {
            foreach (var (target, condition) in service.DependsOn)
            {
                Compose.Services.ShouldContainKey(target, $"'{service.Name}' depends on undefined service '{target}'");
                target.ShouldNotBe(service.Name);
                condition.ShouldBeOneOf("service_started", "service_healthy", "service_completed_successfully");
                if (condition == "service_healthy")
                {
                    Compose.Services[target].Healthcheck.ShouldNotBeNull($"'{service.Name}' waits for '{target}' to be healthy, which has no healthcheck");
                }
            }
        }
    }

    [Fact]
    public void Depends_on_has_no_cycles()
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path, true: done
        void Visit(string name, string path)
        {
            if (state.TryGetValue(name, out var done))
            {
                done.ShouldBeTrue($"dependency cycle: {path}");
                return;
            }

            state[name] = false;
            foreach (var target in Compose.Services[name].DependsOn.Keys.Where(Compose.Services.ContainsKey))
            {
                Visit(target, $"{path} -> {target}");
            }

            state[name] = true;
        }

        foreach (var name in Compose.Services.Keys)
        {
            Visit(name, name);
        }
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Service_waits_for_a_healthy_RabbitMq_and_connects_as_its_own_user_to_the_platform_vhost(string service)
    {
        var compose = DeploymentFiles.Service(service);

        compose.DependsOn.ShouldContainKeyAndValue("rabbitmq", "service_healthy");
        compose.Environment.ShouldContainKey("ConnectionStrings__RabbitMq");
        var raw = compose.Environment["ConnectionStrings__RabbitMq"];
        ComposeFile.RequiredVariablesIn(raw).ShouldBe([$"RABBITMQ_{service.ToUpperInvariant()}_PASSWORD"]);
        var uri = new Uri(ComposeFile.Interpolate(raw, new Dictionary<string, string> { [$"RABBITMQ_{service.ToUpperInvariant()}_PASSWORD"] = "secret" }));
        uri.Scheme.ShouldBe("amqp");
        uri.Host.ShouldBe("rabbitmq");
        uri.Port.ShouldBe(5672);
        uri.AbsolutePath.ShouldBe("/" + RabbitMqDefinitions.VirtualHost);
        uri.UserInfo.ShouldBe($"{service}:secret");
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Service_exports_telemetry_to_the_dashboard_under_its_own_name(string service)
    {
        var environment = DeploymentFiles.Service(service).Environment;

        environment.ShouldContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
        var endpoint = new Uri(environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Compose.Services.ShouldContainKey(endpoint.Host);
        endpoint.Host.ShouldBe("dashboard");
        endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(DashboardOtlpPort);
        environment.ShouldContainKey("OTEL_SERVICE_NAME");
        environment["OTEL_SERVICE_NAME"].ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Telemetry_service_names_are_unique()
    {
        var names = DeploymentFiles.DotnetServices.Select(service => service.Environment.GetValueOrDefault("OTEL_SERVICE_NAME")).ToList();

        names.Distinct(StringComparer.Ordinal).Count().ShouldBe(names.Count, string.Join(", ", names));
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Service_listens_on_all_interfaces_at_8080_for_http_and_8081_for_grpc(string service)
    {
        var environment = DeploymentFiles.Service(service).Environment;

        environment.ShouldContainKeyAndValue("Kestrel__Endpoints__Http__Url", "http://0.0.0.0:8080");
        environment.ShouldContainKeyAndValue("Kestrel__Endpoints__Grpc__Url", "http://0.0.0.0:8081");
    }

    [Theory]
    [InlineData("ingestion", "5101:8080", "5102:8081")]
    [InlineData("query", "5402:8081")]
    [InlineData("dashboard", "18888:18888")]
    [InlineData("rabbitmq", "15672:15672")]
    [InlineData("prometheus", "9090:9090")]
    [InlineData("grafana", "3000:3000")]
    [InlineData("extraction")]
    [InlineData("geocoding")]
    [InlineData("postgres")]
    public void Only_the_public_apis_and_the_operator_uis_are_published_on_the_host(string service, params string[] expected)
    {
        var published = DeploymentFiles.Service(service).Ports.Select(port => $"{port.Published}:{port.Target}").ToList();

        published.ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public void Every_published_port_listens_on_the_hosts_loopback_only()
    {
        var ports = Compose.Services.Values.SelectMany(service => service.Ports.Select(port => (service.Name, Port: port))).ToList();

        ports.ShouldNotBeEmpty();
        ports.Where(entry => entry.Port.HostIp != "127.0.0.1").Select(entry => $"{entry.Name}: {entry.Port}").ShouldBeEmpty();
        Compose.Services.Values.Where(service => ComposeFile.Scalar(service.Node, "network_mode") == "host").ShouldBeEmpty();
    }

    [Fact]
    public void Host_ports_do_not_collide()
    {
        var published = Compose.Services.Values
            .SelectMany(service => service.Ports.Where(port => port.Published is not null).Select(port => (service.Name, Port: port)))
            .GroupBy(entry => (entry.Port.Published, entry.Port.Protocol))
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key.Published}/{group.Key.Protocol}: {string.Join(", ", group.Select(entry => entry.Name))}");

        published.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Service_health_check_asks_its_management_endpoint_for_readiness(string service)
    {
        var test = DeploymentFiles.Service(service).HealthcheckTest;

        DeploymentFiles.Service(service).Environment.ShouldContainKeyAndValue("Kestrel__Endpoints__Management__Url", "http://0.0.0.0:8082");
        test.ShouldContain(word => word.EndsWith(":8082/health/ready", StringComparison.Ordinal)
            && (word.StartsWith("http://localhost:", StringComparison.Ordinal) || word.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ingestion", "ingestion")]
    [InlineData("query", "query")]
    public void Postgres_users_wait_for_it_and_connect_as_the_role_the_init_script_creates_for_them(string service, string schema)
    {
        var compose = DeploymentFiles.Service(service);
        var postgres = DeploymentFiles.Service("postgres").Environment;
        var prefix = $"POSTGRES_{service.ToUpperInvariant()}";

        compose.DependsOn.ShouldContainKeyAndValue("postgres", "service_healthy");
        compose.Environment.ShouldContainKeyAndValue("Marten__Schema", schema);
        var settings = ConnectionString(service);
        settings["Host"].ShouldBe("postgres");
        settings.GetValueOrDefault("Port", "5432").ShouldBe("5432");
        settings["Database"].ShouldBe(postgres["POSTGRES_DB"]);
        // The init script names the role after these settings and makes it the owner of the schema of the same name.
        settings["Username"].ShouldBe(postgres[$"{prefix}_USER"]);
        settings["Username"].ShouldNotBe(postgres["POSTGRES_USER"]);
        ComposeFile.RequiredVariablesIn(settings["Password"]).ShouldBe([$"{prefix}_PASSWORD"]);
        ComposeFile.RequiredVariablesIn(postgres[$"{prefix}_PASSWORD"]).ShouldBe([$"{prefix}_PASSWORD"]);
    }

    [Fact]
    public void The_services_connect_to_PostgreSQL_as_different_roles()
    {
        var roles = DeploymentFiles.DotnetServices.Where(service => service.Environment.ContainsKey("ConnectionStrings__Postgres"))
            .Select(service => ConnectionString(service.Name)["Username"]).ToList();

        roles.Count.ShouldBe(2);
        roles.Distinct(StringComparer.Ordinal).Count().ShouldBe(roles.Count, string.Join(", ", roles));
    }

    [Fact]
    public void The_init_script_is_mounted_where_the_postgres_image_runs_it_on_a_new_volume()
    {
        var postgres = DeploymentFiles.Service("postgres");

        var script = postgres.Volumes.Where(mount => mount.Target.StartsWith("/docker-entrypoint-initdb.d/", StringComparison.Ordinal)).ShouldHaveSingleItem();
        script.Target.ShouldEndWith(".sh");
        script.ReadOnly.ShouldBeTrue();
        Path.GetFullPath(Path.Combine(Compose.Directory, script.Source)).ShouldBe(Repository.PathOf(PostgresInitScript.RelativePath));
        postgres.Environment.ShouldContainKeyAndValue("POSTGRES_USER", "postgres");
    }

    [Fact]
    public void Geocoding_reads_the_gazetteer_from_a_read_only_mount_of_a_configurable_host_folder()
    {
        var geocoding = DeploymentFiles.Service("geocoding");
        var directory = geocoding.Environment["Gazetteer__Directory"];

        var mount = geocoding.Volumes.ShouldHaveSingleItem();
        mount.Target.ShouldBe(directory);
        mount.ReadOnly.ShouldBeTrue();
        mount.Source.ShouldBe("../shared/gazetteer");
        ComposeFile.VariablesIn(mount.RawSource).ShouldBe(["PLATFORM_GAZETTEER_DIR"]);
        geocoding.Environment["Gazetteer__Countries"].Split(',').ShouldBe(["SY", "IQ", "LB", "JO", "TR"]);
    }

    [Fact]
    public void Dashboard_is_the_aspire_dashboard_with_a_login_and_an_otlp_key()
    {
        var dashboard = DeploymentFiles.Service("dashboard");
        var environment = dashboard.Environment;

        DeploymentFiles.DockerfileOf(dashboard).FinalStage.BaseImage.ShouldStartWith("mcr.microsoft.com/dotnet/aspire-dashboard:");
        environment.Keys.ShouldNotContain(key => key.Contains("UNSECURED", StringComparison.OrdinalIgnoreCase));
        environment.ShouldContainKeyAndValue("Dashboard__Frontend__AuthMode", "BrowserToken");
        environment.ShouldContainKeyAndValue("Dashboard__Otlp__AuthMode", "ApiKey");
        ComposeFile.RequiredVariablesIn(environment["Dashboard__Otlp__PrimaryApiKey"]).ShouldBe(["DASHBOARD_OTLP_API_KEY"]);
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Service_sends_the_dashboards_otlp_key(string service)
    {
        var headers = DeploymentFiles.Service(service).Environment["OTEL_EXPORTER_OTLP_HEADERS"];

        headers.ShouldStartWith("x-otlp-api-key=");
        ComposeFile.RequiredVariablesIn(headers).ShouldBe(["DASHBOARD_OTLP_API_KEY"]);
    }

    [Fact]
    public void Infrastructure_uses_the_agreed_images_without_default_credentials()
    {
        var rabbitMq = DeploymentFiles.Service("rabbitmq");
        var postgres = DeploymentFiles.Service("postgres");

        rabbitMq.Image.ShouldBe("rabbitmq:3.10-management");
        rabbitMq.Environment.Keys.ShouldNotContain(key => key.StartsWith("RABBITMQ_DEFAULT_", StringComparison.Ordinal));
        postgres.Image.ShouldBe("postgres:15");
        postgres.Environment.ShouldContainKeyAndValue("POSTGRES_DB", "platform");
        ComposeFile.RequiredVariablesIn(postgres.Environment["POSTGRES_PASSWORD"]).ShouldBe(["POSTGRES_PASSWORD"]);
    }

    private static Dictionary<string, string> ConnectionString(string service) =>
        DeploymentFiles.Service(service).Environment["ConnectionStrings__Postgres"].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .ToDictionary(part => part[0].Trim(), part => part[1].Trim(), StringComparer.OrdinalIgnoreCase);
}
