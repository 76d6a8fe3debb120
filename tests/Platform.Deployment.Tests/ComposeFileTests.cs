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
    public void Defines_the_four_services_their_infrastructure_and_the_dashboard()
    {
        Compose.Services.Keys.Order(StringComparer.Ordinal).ShouldBe(
            ["dashboard", "extraction", "geocoding", "ingestion", "postgres", "query", "rabbitmq"]);
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
    public void Service_waits_for_a_healthy_RabbitMq_and_connects_with_its_credentials(string service)
    {
        var compose = DeploymentFiles.Service(service);
        var rabbitMq = DeploymentFiles.Service("rabbitmq").Environment;

        compose.DependsOn.ShouldContainKeyAndValue("rabbitmq", "service_healthy");
        compose.Environment.ShouldContainKey("ConnectionStrings__RabbitMq");
        var uri = new Uri(ComposeFile.WithDefaults(compose.Environment["ConnectionStrings__RabbitMq"]));
        uri.Scheme.ShouldBe("amqp");
        uri.Host.ShouldBe("rabbitmq");
        uri.Port.ShouldBe(5672);
        uri.UserInfo.ShouldBe($"{rabbitMq["RABBITMQ_DEFAULT_USER"]}:{rabbitMq["RABBITMQ_DEFAULT_PASS"]}");
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
    [InlineData("ingestion", 5101, 5102)]
    [InlineData("extraction", 5201, 5202)]
    [InlineData("geocoding", 5301, 5302)]
    [InlineData("query", 5401, 5402)]
    [InlineData("rabbitmq", 5672, 15672)]
    [InlineData("dashboard", 18888, 18889)]
    public void Service_is_published_on_its_host_ports(string service, int first, int second)
    {
        var published = DeploymentFiles.Service(service).Ports.Select(port => port.Published).ToList();

        published.ShouldBe([first, second], ignoreOrder: true);
    }

    [Theory]
    [MemberData(nameof(DotnetServices))]
    public void Service_host_ports_lead_to_its_http_and_grpc_endpoints(string service)
    {
        DeploymentFiles.Service(service).Ports.Select(port => port.Target).ShouldBe([8080, 8081], ignoreOrder: true);
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
    public void Service_health_check_asks_its_own_http_endpoint_for_readiness(string service)
    {
        var test = DeploymentFiles.Service(service).HealthcheckTest;

        test.ShouldContain(word => word.EndsWith(":8080/health/ready", StringComparison.Ordinal)
            && (word.StartsWith("http://localhost:", StringComparison.Ordinal) || word.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ingestion", "ingestion")]
    [InlineData("query", "query")]
    public void Postgres_users_wait_for_it_and_connect_to_the_compose_database(string service, string schema)
    {
        var compose = DeploymentFiles.Service(service);
        var postgres = DeploymentFiles.Service("postgres").Environment;

        compose.DependsOn.ShouldContainKeyAndValue("postgres", "service_healthy");
        compose.Environment.ShouldContainKeyAndValue("Marten__Schema", schema);
        var settings = compose.Environment["ConnectionStrings__Postgres"].Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .ToDictionary(part => part[0].Trim(), part => part[1].Trim(), StringComparer.OrdinalIgnoreCase);
        settings["Host"].ShouldBe("postgres");
        settings.GetValueOrDefault("Port", "5432").ShouldBe("5432");
        settings["Database"].ShouldBe(postgres["POSTGRES_DB"]);
        settings["Username"].ShouldBe(postgres["POSTGRES_USER"]);
        settings["Password"].ShouldBe(postgres["POSTGRES_PASSWORD"]);
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
    public void Dashboard_is_the_aspire_dashboard_open_for_local_use()
    {
        var dashboard = DeploymentFiles.Service("dashboard");

        DeploymentFiles.DockerfileOf(dashboard).FinalStage.BaseImage.ShouldStartWith("mcr.microsoft.com/dotnet/aspire-dashboard:");
        dashboard.Environment.ShouldContainKeyAndValue("DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS", "true");
        dashboard.Ports.ShouldContain(port => port.Target.ToString(System.Globalization.CultureInfo.InvariantCulture) == DashboardOtlpPort);
    }

    [Fact]
    public void Infrastructure_uses_the_agreed_images_and_credentials()
    {
        var rabbitMq = DeploymentFiles.Service("rabbitmq");
        var postgres = DeploymentFiles.Service("postgres");

        rabbitMq.Image.ShouldBe("rabbitmq:3.10-management");
        rabbitMq.Environment.ShouldContainKeyAndValue("RABBITMQ_DEFAULT_USER", "platform");
        rabbitMq.Environment.ShouldContainKeyAndValue("RABBITMQ_DEFAULT_PASS", "platform");
        postgres.Image.ShouldBe("postgres:15");
        postgres.Environment.ShouldContainKeyAndValue("POSTGRES_USER", "platform");
        postgres.Environment.ShouldContainKeyAndValue("POSTGRES_PASSWORD", "platform");
        postgres.Environment.ShouldContainKeyAndValue("POSTGRES_DB", "platform");
    }
}
