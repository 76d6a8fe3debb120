using System.Text;
using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>One object of a rendered kustomization, read with YamlDotNet.</summary>
internal sealed record KubernetesObject(string Kind, string Name, YamlMappingNode Root)
{
    public YamlNode? At(params string[] path) => KubernetesYaml.At(Root, path);

    public IReadOnlyDictionary<string, string> Strings(params string[] path) => KubernetesYaml.Strings(At(path));
}

/// <summary>Walking the YAML of Kubernetes objects: missing steps give null or empty, never an exception.</summary>
internal static class KubernetesYaml
{
    public static YamlNode? At(YamlNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(step), out node))
            {
                return null;
            }
        }
        return node;
    }

    public static string? Scalar(YamlNode? node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<YamlNode> Items(YamlNode? node, params string[] path) =>
        At(node, path) is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    public static IReadOnlyDictionary<string, string> Strings(YamlNode? node) =>
        node is YamlMappingNode mapping
            ? mapping.Children.ToDictionary(entry => ((YamlScalarNode)entry.Key).Value!, entry => ((YamlScalarNode)entry.Value).Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>
/// deploy/k8s/overlays/local as kubectl's built-in kustomize renders it on a fresh clone: a copy of deploy/k8s in a
/// temporary folder, its git-ignored secret files written by make-secrets.sh from a .env that make-env.sh made.
/// </summary>
internal sealed class KubernetesRender
{
    public const string OverlayPath = "deploy/k8s/overlays/local";

    private KubernetesRender(IReadOnlyList<KubernetesObject> objects, IReadOnlyDictionary<string, string> environment)
    {
        Objects = objects;
        Environment = environment;
    }

    public IReadOnlyList<KubernetesObject> Objects { get; }

    /// <summary>The .env the secrets were made from.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public IEnumerable<KubernetesObject> OfKind(string kind) => Objects.Where(item => item.Kind == kind);

    public KubernetesObject Single(string kind, string name) => Objects.Single(item => item.Kind == kind && item.Name == name);

    /// <summary>kubectl, or a failure that says how to get it: a missing tool must not pass for a correct manifest.</summary>
    public static string Kubectl()
    {
        var onPath = (System.Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "kubectl"))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException(
            "kubectl is not on PATH: the Kubernetes manifests are checked by rendering them with its built-in kustomize " +
            "(kubectl kustomize). Install it (Debian: apt-get install kubernetes-client) and run the tests again.");
    }

    public static async Task<KubernetesRender> RenderLocalOverlayAsync()
    {
        var kubectl = Kubectl();
        using var generated = await MakeEnv.GenerateAsync();
        var copy = Path.Combine(generated.Folder, "k8s");
        CopyFolder(Repository.PathOf("deploy/k8s"), copy);
        // A clone carries no secret files; a working tree may have some that must not decide the result.
        var secrets = Path.Combine(copy, "overlays", "local", "secrets");
        if (Directory.Exists(secrets))
        {
            Directory.Delete(secrets, recursive: true);
        }

        var made = await ProcessRunner.RunAsync("bash", [Path.Combine(copy, "overlays", "local", "make-secrets.sh"), generated.Path]);
        made.ExitCode.ShouldBe(0, made.ToString());
        var rendered = await RunKustomizeAsync(kubectl, Path.Combine(copy, "overlays", "local"));
        rendered.ExitCode.ShouldBe(0, rendered.ToString());
        return new KubernetesRender(Parse(rendered.Output), generated.Values);
    }

    public static Task<ProcessResult> RunKustomizeAsync(string kubectl, string folder) =>
        ProcessRunner.RunAsync(kubectl, ["kustomize", folder]);

    public static void CopyFolder(string source, string target)
    {
        foreach (var folder in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, folder)));
        }
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }

    public static IReadOnlyList<KubernetesObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents
            .Select(document => (YamlMappingNode)document.RootNode)
            .Select(root => new KubernetesObject(
                KubernetesYaml.Scalar(root, "kind") ?? throw new InvalidDataException("an object without a kind"),
                KubernetesYaml.Scalar(root, "metadata", "name") ?? throw new InvalidDataException("an object without a name"),
                root))
            .ToList();
    }

    /// <summary>A Secret's data, decoded.</summary>
    public static IReadOnlyDictionary<string, string> SecretData(KubernetesObject secret) =>
        secret.Strings("data").ToDictionary(entry => entry.Key, entry => Encoding.UTF8.GetString(Convert.FromBase64String(entry.Value)), StringComparer.Ordinal);
}
