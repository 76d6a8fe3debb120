using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>Reads queues of a virtual host through the management API, as an operator would.</summary>
public static class RabbitQueues
{
    public sealed record QueuedMessage(string Payload, IReadOnlyDictionary<string, string> Headers);

    /// <summary>Peeks at up to <paramref name="count"/> messages (they are requeued).</summary>
    public static async Task<IReadOnlyList<QueuedMessage>> PeekAsync(string virtualHost, string queue, int count = 10)
    {
        using var client = Infrastructure.ManagementClient();
        var response = await client.PostAsJsonAsync(
            $"api/queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate = 100_000 });
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var messages = new List<QueuedMessage>();
        foreach (var message in document.RootElement.EnumerateArray())
        {
            var headers = new Dictionary<string, string>(StringComparer.Ordinal);
            if (message.GetProperty("properties").TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in h.EnumerateObject())
                {
                    headers[header.Name] = header.Value.ToString();
                }
            }
            messages.Add(new QueuedMessage(message.GetProperty("payload").GetString() ?? "", headers));
        }
        return messages;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; false when the time runs out.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(200);
        }
        return await condition();
    }
}
