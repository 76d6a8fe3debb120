using System.Text.RegularExpressions;
using Platform.Deployment.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests;

/// <summary>
/// deploy/k8s, checked without a cluster: the local overlay rendered by kubectl's kustomize, and what its objects
/// refer to (ports, ConfigMaps, Secrets, Deployments) looked up in the same render.
/// </summary>
public sealed partial class KubernetesManifestTests(KubernetesManifestTests.RenderedOverlay overlay) : IClassFixture<KubernetesManifestTests.RenderedOverlay>
{
    public sealed class RenderedOverlay : IAsyncLifetime
    {
        internal KubernetesRender Render { get; private set; } = null!;

        public async Task InitializeAsync() => Render = await KubernetesRender.RenderLocalOverlayAsync();

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private const int ManagementPort = 8082;

    private KubernetesRender Render => overlay.Render;

    public static TheoryData<string> Services => new(["ingestion", "extraction", "geocoding", "query"]);

    [Fact]
    public void The_render_holds_a_deployment_and_a_service_for_each_of_the_four_services_with_their_images()
    {
        Render.OfKind("Deployment").Select(deployment => deployment.Name).Order(StringComparer.Ordinal).ShouldBe(["extraction", "geocoding", "ingestion", "query"]);
        Render.OfKind("Service").Select(service => service.Name).Order(StringComparer.Ordinal).ShouldBe(["extraction", "geocoding", "ingestion", "query"]);
        foreach (var deployment in Render.OfKind("Deployment"))
        {
            Containers(deployment).Select(container => KubernetesYaml.Scalar(container, "image")).ShouldBe([$"platform-{deployment.Name}:local"]);
            // The image is the one deploy/docker builds for that service.
            File.Exists(Repository.PathOf($"deploy/docker/{char.ToUpperInvariant(deployment.Name[0])}{deployment.Name[1..]}.Dockerfile")).ShouldBeTrue(deployment.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Probes_ask_the_management_endpoint_on_a_declared_port(string service)
    {
        var deployment = Render.Single("Deployment", service);
        var container = Containers(deployment).ShouldHaveSingleItem();
        var ports = DeclaredPorts(container);
        var environment = EnvironmentOf(deployment);

        // The port Kestrel's management endpoint binds is a declared one.
        var management = new Uri(environment["Kestrel__Endpoints__Management__Url"]);
        management.Port.ShouldBe(ManagementPort);
        ports.Values.ShouldContain(ManagementPort);

        var probes = new[] { "readinessProbe", "livenessProbe", "startupProbe" }
            .Select(kind => (Kind: kind, Probe: KubernetesYaml.At(container, kind)))
            .Where(probe => probe.Probe is not null)
            .ToList();
        probes.Select(probe => probe.Kind).ShouldContain("readinessProbe");
        probes.Select(probe => probe.Kind).ShouldContain("livenessProbe");
        foreach (var (kind, probe) in probes)
        {
            var port = KubernetesYaml.Scalar(probe, "httpGet", "port").ShouldNotBeNull($"{service} {kind} is not an httpGet probe");
            var number = int.TryParse(port, out var literal) ? literal : ports.GetValueOrDefault(port, -1);
            number.ShouldBe(management.Port, $"{service} {kind} asks port {port}");
        }
        KubernetesYaml.Scalar(container, "readinessProbe", "httpGet", "path").ShouldBe("/health/ready");
        KubernetesYaml.Scalar(container, "livenessProbe", "httpGet", "path").ShouldBe("/health/live");
    }

    [Fact]
    public void Geocoding_has_a_startup_probe_that_allows_for_loading_the_gazetteer()
    {
        var startup = KubernetesYaml.At(Containers(Render.Single("Deployment", "geocoding")).Single(), "startupProbe").ShouldNotBeNull();

        var allowed = int.Parse(KubernetesYaml.Scalar(startup, "periodSeconds")!) * int.Parse(KubernetesYaml.Scalar(startup, "failureThreshold")!);
        allowed.ShouldBeGreaterThanOrEqualTo(60);
    }

    [Fact]
    public void Every_reference_to_a_config_map_secret_or_claim_names_an_object_of_the_render()
    {
        var references = Render.OfKind("Deployment").SelectMany(References).ToList();

        references.Count.ShouldBeGreaterThanOrEqualTo(4 * 2 + 8 + 1);
        foreach (var (deployment, kind, name, key) in references)
        {
            var target = Render.Objects.SingleOrDefault(item => item.Kind == kind && item.Name == name);
            target.ShouldNotBeNull($"{deployment} refers to {kind} {name}, which the render does not contain");
            if (key is not null)
            {
                target.Strings("data").Keys.ShouldContain(key, $"{deployment} refers to key {key} of {kind} {name}");
            }
        }
        // Generated objects carry kustomize's content hash, so that a changed setting or secret rolls the pods.
        foreach (var generated in Render.OfKind("ConfigMap").Concat(Render.OfKind("Secret")))
        {
            HashSuffixed().IsMatch(generated.Name).ShouldBeTrue($"{generated.Kind} {generated.Name}");
        }
        references.Where(reference => reference.Kind == "Secret").Select(reference => reference.Name).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void Each_service_selects_the_pods_of_exactly_one_deployment_and_targets_its_declared_ports()
    {
        foreach (var service in Render.OfKind("Service"))
        {
            var selector = service.Strings("spec", "selector");
            selector.ShouldNotBeEmpty(service.Name);
            var selected = Render.OfKind("Deployment").Where(deployment => Selects(selector, deployment)).ToList();
            selected.Select(deployment => deployment.Name).ShouldBe([service.Name], $"Service {service.Name} selects {selected.Count} Deployments");

            var declared = DeclaredPorts(Containers(selected[0]).Single());
            var ports = KubernetesYaml.Items(service.Root, "spec", "ports");
            ports.ShouldNotBeEmpty();
            foreach (var port in ports)
            {
                var target = KubernetesYaml.Scalar(port, "targetPort") ?? KubernetesYaml.Scalar(port, "port")!;
                (int.TryParse(target, out var number) ? declared.ContainsValue(number) : declared.ContainsKey(target))
                    .ShouldBeTrue($"Service {service.Name} targets {target}, which {service.Name}'s container does not declare");
            }
            // Health and metrics stay off the Services.
            ports.Select(port => KubernetesYaml.Scalar(port, "targetPort")).ShouldNotContain("management");
        }
    }

    [Fact]
    public void The_stateless_consumers_scale_on_cpu_and_every_deployment_has_a_disruption_budget()
    {
        var autoscalers = Render.OfKind("HorizontalPodAutoscaler").ToList();

        autoscalers.Select(autoscaler => autoscaler.Name).Order(StringComparer.Ordinal).ShouldBe(["extraction", "geocoding"]);
        foreach (var autoscaler in autoscalers)
        {
            KubernetesYaml.Scalar(autoscaler.Root, "apiVersion").ShouldBe("autoscaling/v2");
            KubernetesYaml.Scalar(autoscaler.Root, "spec", "scaleTargetRef", "kind").ShouldBe("Deployment");
            var target = KubernetesYaml.Scalar(autoscaler.Root, "spec", "scaleTargetRef", "name")!;
            Render.OfKind("Deployment").Select(deployment => deployment.Name).ShouldContain(target);
            KubernetesYaml.Items(autoscaler.Root, "spec", "metrics").Select(metric => KubernetesYaml.Scalar(metric, "resource", "name")).ShouldBe(["cpu"]);
            int.Parse(KubernetesYaml.Scalar(autoscaler.Root, "spec", "minReplicas")!).ShouldBe(2);
            KubernetesYaml.Scalar(Render.Single("Deployment", target).Root, "spec", "replicas").ShouldBe("2");
        }
        foreach (var deployment in Render.OfKind("Deployment"))
        {
            var budgets = Render.OfKind("PodDisruptionBudget").Where(budget => Selects(budget.Strings("spec", "selector", "matchLabels"), deployment)).ToList();
            budgets.ShouldHaveSingleItem($"{deployment.Name} should have one PodDisruptionBudget");
            int.Parse(KubernetesYaml.Scalar(deployment.Root, "spec", "replicas")!).ShouldBeGreaterThan(1, deployment.Name);
        }
    }

    [Theory]
    [InlineData("ingestion", "ConnectionStrings__Postgres", "ConnectionStrings__RabbitMq", "Auth__Jwt__SigningKey", "Marten__Schema", "Kestrel__Endpoints__Http__Url")]
    [InlineData("extraction", "ConnectionStrings__RabbitMq")]
    [InlineData("geocoding", "ConnectionStrings__RabbitMq", "Gazetteer__Directory", "Gazetteer__Countries")]
    [InlineData("query", "ConnectionStrings__Postgres", "ConnectionStrings__RabbitMq", "Auth__Jwt__SigningKey", "Marten__Schema")]
    public void Every_setting_a_service_needs_is_set(string service, params string[] needed)
    {
        var environment = EnvironmentOf(Render.Single("Deployment", service));

        foreach (var name in needed.Concat(["Kestrel__Endpoints__Grpc__Url", "Kestrel__Endpoints__Management__Url", "OTEL_SERVICE_NAME"]))
        {
            environment.GetValueOrDefault(name).ShouldNotBeNullOrWhiteSpace($"{service} needs {name}");
        }
        environment["Messaging__QuorumQueues"].ShouldBe("true");
        environment["OTEL_SERVICE_NAME"].ShouldBe($"platform-{service}");

        // The broker user is the service's own, on the "platform" virtual host, with its password from the .env.
        var rabbitMq = new Uri(environment["ConnectionStrings__RabbitMq"]);
        rabbitMq.Scheme.ShouldBe("amqp");
        rabbitMq.AbsolutePath.ShouldBe("/platform");
        rabbitMq.UserInfo.ShouldBe($"{service}:{Render.Environment[$"RABBITMQ_{service.ToUpperInvariant()}_PASSWORD"]}");
        if (environment.TryGetValue("ConnectionStrings__Postgres", out var postgres))
        {
            postgres.ShouldContain($"Username={service};");
            postgres.ShouldEndWith($"Password={Render.Environment[$"POSTGRES_{service.ToUpperInvariant()}_PASSWORD"]}");
            environment["Marten__Schema"].ShouldBe(service);
        }
        if (environment.TryGetValue("Auth__Jwt__SigningKey", out var signingKey))
        {
            signingKey.ShouldBe(Render.Environment["PLATFORM_JWT_SIGNING_KEY"]);
        }
    }

    [Fact]
    public void Geocoding_reads_the_gazetteer_where_it_is_mounted()
    {
        var deployment = Render.Single("Deployment", "geocoding");
        var mount = KubernetesYaml.Items(Containers(deployment).Single(), "volumeMounts")
            .Single(volume => KubernetesYaml.Scalar(volume, "name") == "gazetteer");

        KubernetesYaml.Scalar(mount, "mountPath").ShouldBe(EnvironmentOf(deployment)["Gazetteer__Directory"]);
        KubernetesYaml.Scalar(mount, "readOnly").ShouldBe("true");
        var claim = Render.Single("PersistentVolumeClaim", "geocoding-gazetteer");
        var volume = Render.Single("PersistentVolume", KubernetesYaml.Scalar(claim.Root, "spec", "volumeName")!);
        KubernetesYaml.Scalar(volume.Root, "spec", "claimRef", "name").ShouldBe(claim.Name);
        KubernetesYaml.Scalar(volume.Root, "spec", "claimRef", "namespace").ShouldBe(KubernetesYaml.Scalar(claim.Root, "metadata", "namespace"));
    }

    [Fact]
    public void Config_maps_hold_no_secret()
    {
        var secrets = Render.Environment.Where(entry => !entry.Key.EndsWith("_HASH", StringComparison.Ordinal)).Select(entry => entry.Value).ToList();
        var configMaps = Render.OfKind("ConfigMap").ToList();

        configMaps.Count.ShouldBe(5);
        foreach (var (key, value) in configMaps.SelectMany(configMap => configMap.Strings("data")))
        {
            key.ShouldNotStartWith("ConnectionStrings__");
            key.ShouldNotContain("Key", Case.Insensitive);
            key.ShouldNotContain("Password", Case.Insensitive);
            secrets.ShouldNotContain(value, $"ConfigMap setting {key} holds a value of the .env");
            SecretScanner.LiteralsIn($"{key}: {value}").ShouldBeEmpty();
        }
        // Where the passwords are: in the Secrets, every one of them.
        var inSecrets = string.Join('\n', Render.OfKind("Secret").SelectMany(secret => KubernetesRender.SecretData(secret).Values));
        foreach (var name in new[] { "POSTGRES_INGESTION_PASSWORD", "POSTGRES_QUERY_PASSWORD", "RABBITMQ_INGESTION_PASSWORD", "RABBITMQ_EXTRACTION_PASSWORD", "RABBITMQ_GEOCODING_PASSWORD", "RABBITMQ_QUERY_PASSWORD", "PLATFORM_JWT_SIGNING_KEY" })
        {
            inSecrets.ShouldContain(Render.Environment[name], customMessage: name);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Pods_run_as_the_images_user_on_a_read_only_root_with_resources_and_scrape_annotations(string service)
    {
        var deployment = Render.Single("Deployment", service);
        var pod = deployment.At("spec", "template", "spec");
        var container = Containers(deployment).Single();

        KubernetesYaml.Scalar(pod, "securityContext", "runAsNonRoot").ShouldBe("true");
        KubernetesYaml.Scalar(pod, "securityContext", "runAsUser").ShouldBe("1654");
        KubernetesYaml.Scalar(container, "securityContext", "readOnlyRootFilesystem").ShouldBe("true");
        KubernetesYaml.Scalar(container, "securityContext", "allowPrivilegeEscalation").ShouldBe("false");
        KubernetesYaml.Items(container, "securityContext", "capabilities", "drop").Select(capability => ((YamlScalarNode)capability).Value).ShouldBe(["ALL"]);
        foreach (var bound in new[] { "requests", "limits" })
        {
            foreach (var resource in new[] { "cpu", "memory" })
            {
                KubernetesYaml.Scalar(container, "resources", bound, resource).ShouldNotBeNullOrEmpty($"{service} {bound}.{resource}");
            }
        }
        var annotations = deployment.Strings("spec", "template", "metadata", "annotations");
        annotations["prometheus.io/scrape"].ShouldBe("true");
        annotations["prometheus.io/port"].ShouldBe(ManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        annotations["prometheus.io/path"].ShouldBe("/metrics");
    }

    [Fact]
    public async Task Without_the_secret_files_the_render_fails_and_names_the_missing_file()
    {
        var kubectl = KubernetesRender.Kubectl();
        var folder = Directory.CreateTempSubdirectory("platform-k8s-");
        try
        {
            KubernetesRender.CopyFolder(Repository.PathOf("deploy/k8s"), folder.FullName);
            var secrets = Path.Combine(folder.FullName, "overlays", "local", "secrets");
            if (Directory.Exists(secrets))
            {
                Directory.Delete(secrets, recursive: true);
            }

            var rendered = await KubernetesRender.RunKustomizeAsync(kubectl, Path.Combine(folder.FullName, "overlays", "local"));

            rendered.ExitCode.ShouldNotBe(0);
            rendered.Error.ShouldContain("secrets/");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_secret_files_are_ignored_by_git_and_never_sent_to_the_image_builder()
    {
        var file = KubernetesRender.OverlayPath + "/secrets/ingestion.env";
        var ignored = await ProcessRunner.RunAsync("git", ["-C", Repository.Root, "check-ignore", "--no-index", "--quiet", file]);

        ignored.ExitCode.ShouldBe(0, ignored.ToString());
        DockerIgnore.Load(Repository.Root).IsExcluded(file).ShouldBeTrue();
    }

    private static IReadOnlyList<YamlNode> Containers(KubernetesObject deployment) =>
        KubernetesYaml.Items(deployment.Root, "spec", "template", "spec", "containers");

    private static Dictionary<string, int> DeclaredPorts(YamlNode container) =>
        KubernetesYaml.Items(container, "ports").ToDictionary(
            port => KubernetesYaml.Scalar(port, "name") ?? KubernetesYaml.Scalar(port, "containerPort")!,
            port => int.Parse(KubernetesYaml.Scalar(port, "containerPort")!),
            StringComparer.Ordinal);

    private static bool Selects(IReadOnlyDictionary<string, string> selector, KubernetesObject deployment)
    {
        var labels = deployment.Strings("spec", "template", "metadata", "labels");
        return selector.Count > 0 && selector.All(entry => labels.GetValueOrDefault(entry.Key) == entry.Value);
    }

    private static IEnumerable<(string Deployment, string Kind, string Name, string? Key)> References(KubernetesObject deployment)
    {
        var pod = deployment.At("spec", "template", "spec");
        foreach (var container in KubernetesYaml.Items(pod, "containers"))
        {
            foreach (var source in KubernetesYaml.Items(container, "envFrom"))
            {
                if (KubernetesYaml.Scalar(source, "configMapRef", "name") is { } configMap)
                {
                    yield return (deployment.Name, "ConfigMap", configMap, null);
                }
                if (KubernetesYaml.Scalar(source, "secretRef", "name") is { } secret)
                {
                    yield return (deployment.Name, "Secret", secret, null);
                }
            }
            foreach (var variable in KubernetesYaml.Items(container, "env"))
            {
                if (KubernetesYaml.At(variable, "valueFrom", "secretKeyRef") is { } secretKey)
                {
                    yield return (deployment.Name, "Secret", KubernetesYaml.Scalar(secretKey, "name")!, KubernetesYaml.Scalar(secretKey, "key"));
                }
                if (KubernetesYaml.At(variable, "valueFrom", "configMapKeyRef") is { } configMapKey)
                {
                    yield return (deployment.Name, "ConfigMap", KubernetesYaml.Scalar(configMapKey, "name")!, KubernetesYaml.Scalar(configMapKey, "key"));
                }
            }
        }
        foreach (var volume in KubernetesYaml.Items(pod, "volumes"))
        {
            if (KubernetesYaml.Scalar(volume, "persistentVolumeClaim", "claimName") is { } claim)
            {
                yield return (deployment.Name, "PersistentVolumeClaim", claim, null);
            }
            if (KubernetesYaml.Scalar(volume, "configMap", "name") is { } configMap)
            {
                yield return (deployment.Name, "ConfigMap", configMap, null);
            }
            if (KubernetesYaml.Scalar(volume, "secret", "secretName") is { } secret)
            {
                yield return (deployment.Name, "Secret", secret, null);
            }
        }
    }

    /// <summary>A container's environment as the pod sees it: envFrom ConfigMaps first, env entries over them.</summary>
    private Dictionary<string, string> EnvironmentOf(KubernetesObject deployment)
    {
        var container = Containers(deployment).Single();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in KubernetesYaml.Items(container, "envFrom"))
        {
            if (KubernetesYaml.Scalar(source, "configMapRef", "name") is { } name)
            {
                foreach (var (key, value) in Render.Single("ConfigMap", name).Strings("data"))
                {
                    environment[key] = value;
                }
            }
        }
        foreach (var variable in KubernetesYaml.Items(container, "env"))
        {
            var name = KubernetesYaml.Scalar(variable, "name")!;
            if (KubernetesYaml.At(variable, "valueFrom", "secretKeyRef") is { } secretKey)
            {
                environment[name] = KubernetesRender.SecretData(Render.Single("Secret", KubernetesYaml.Scalar(secretKey, "name")!))[KubernetesYaml.Scalar(secretKey, "key")!];
            }
            else
            {
                environment[name] = KubernetesYaml.Scalar(variable, "value") ?? "";
            }
        }
        return environment;
    }

    [GeneratedRegex("^[a-z0-9-]+-[a-z0-9]{10}$")]
    private static partial Regex HashSuffixed();
}
