using System.Xml.Linq;

namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>The parts of a project file that decide which files a build needs.</summary>
internal sealed class MsBuildProject
{
    private MsBuildProject(string path, XDocument document)
    {
        FullPath = path;
        Directory = System.IO.Path.GetDirectoryName(path)!;
        var items = document.Descendants().Where(element => element.Name.LocalName is "ItemGroup").Elements().ToList();
        ProjectReferences = Includes(items, "ProjectReference");
        ProtobufFiles = Includes(items, "Protobuf");
        ProtoRoots = items.Where(item => item.Name.LocalName == "Protobuf")
            .Select(item => (string?)item.Attribute("ProtoRoot"))
            .OfType<string>()
            .Select(Resolve)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var assemblyName = document.Descendants().FirstOrDefault(element => element.Name.LocalName == "AssemblyName")?.Value.Trim();
        AssemblyName = string.IsNullOrEmpty(assemblyName) ? System.IO.Path.GetFileNameWithoutExtension(path) : assemblyName;
    }

    public string FullPath { get; }

    public string Directory { get; }

    public string AssemblyName { get; }

    /// <summary>Absolute paths of the referenced project files.</summary>
    public IReadOnlyList<string> ProjectReferences { get; }

    /// <summary>Absolute paths of the .proto files compiled by Grpc.Tools.</summary>
    public IReadOnlyList<string> ProtobufFiles { get; }

    /// <summary>Absolute paths of the import roots of those .proto files.</summary>
    public IReadOnlyList<string> ProtoRoots { get; }

    public static MsBuildProject Load(string path) => new(System.IO.Path.GetFullPath(path), XDocument.Load(path));

    /// <summary>This project and every project it references, directly or not.</summary>
    public IReadOnlyList<MsBuildProject> Closure()
    {
        var seen = new Dictionary<string, MsBuildProject>(StringComparer.Ordinal);
        var pending = new Stack<MsBuildProject>();
        pending.Push(this);
        while (pending.Count > 0)
        {
            var project = pending.Pop();
            if (!seen.TryAdd(project.FullPath, project))
            {
                continue;
            }

            foreach (var reference in project.ProjectReferences.Where(File.Exists))
            {
                pending.Push(Load(reference));
            }
        }

        return [.. seen.Values];
    }

    public override string ToString() => System.IO.Path.GetFileName(FullPath);

    private List<string> Includes(IEnumerable<XElement> items, string itemType) =>
        items.Where(item => item.Name.LocalName == itemType)
            .Select(item => (string?)item.Attribute("Include"))
            .OfType<string>()
            .Select(Resolve)
            .ToList();

    private string Resolve(string include) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, include.Replace('\\', System.IO.Path.DirectorySeparatorChar)));
}
