using Platform.Extraction;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddExtraction();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
