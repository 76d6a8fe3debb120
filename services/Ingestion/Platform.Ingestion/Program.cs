using Platform.Ingestion;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngestion();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIngestion();
app.Run();

/// <summary>Entry point, visible to tests that host the service in-process.</summary>
public partial class Program;
