namespace Platform.HealthProbe;

/// <summary>
/// Checks one HTTP endpoint for a container health check:
/// <c>dotnet HealthProbe.dll &lt;url&gt; [timeout-seconds]</c>. Exit code 0 when the endpoint answers with a
/// 2xx status (after redirects), 1 when it answers otherwise, cannot be reached or times out, 2 on bad usage.
/// </summary>
internal static class Probe
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;
    public const int Usage = 2;

    private const int DefaultTimeoutSeconds = 5;

    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);

        if (args.Length is < 1 or > 2
            || !Uri.TryCreate(args[0], UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync("usage: HealthProbe <http(s)-url> [timeout-seconds]");
            return Usage;
        }

        var timeoutSeconds = DefaultTimeoutSeconds;
        if (args.Length == 2
            && (!int.TryParse(args[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out timeoutSeconds)
                || timeoutSeconds <= 0))
        {
            await error.WriteLineAsync($"timeout must be a positive number of seconds, got '{args[1]}'");
            return Usage;
        }

        // No proxy: a probe of the container's own port must never be routed through HTTP_PROXY.
        using var handler = new HttpClientHandler { UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(timeoutSeconds) };
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return Healthy;
            }

            await error.WriteLineAsync($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            return Unhealthy;
        }
        catch (HttpRequestException exception)
        {
            await error.WriteLineAsync($"{url} is unreachable: {exception.Message}");
            return Unhealthy;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"{url} did not answer within {timeoutSeconds} s");
            return Unhealthy;
        }
    }
}
