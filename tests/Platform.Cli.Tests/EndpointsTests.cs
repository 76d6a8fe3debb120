namespace Platform.Cli.Tests;

public class EndpointsTests
{
    private static Arguments Parse(params string[] args) => Arguments.Parse(args, new HashSet<string>());

    [Fact]
    public void A_flag_names_the_service_address()
    {
        Endpoints.Query(Parse("--query", "http://10.0.0.5:7000")).ShouldBe(new Uri("http://10.0.0.5:7000"));
        Endpoints.Ingestion(Parse("--ingestion", "https://ingest.example.org")).ShouldBe(new Uri("https://ingest.example.org"));
    }

    [Fact]
    public void An_address_that_is_not_http_is_a_usage_error_naming_the_flag_and_variable()
    {
        var error = Should.Throw<UsageException>(() => Endpoints.Query(Parse("--query", "127.0.0.1:5402")));

        error.Message.ShouldContain("--query");
        error.Message.ShouldContain("PLATFORM_QUERY_GRPC");
    }
}
