using Platform.Geocoding;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGeocoding();

var app = builder.Build();
app.UseGeocoding();
app.MapDefaultEndpoints();
app.Run();
