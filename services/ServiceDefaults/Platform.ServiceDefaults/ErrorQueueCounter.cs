using System.Diagnostics.Metrics;
using MassTransit;

namespace Platform.ServiceDefaults;

/// <summary>
/// Counts the messages an endpoint moved to its "_error" queue (<c>platform.messaging.error_queue.messages</c>, by queue
/// and exception type). It runs in the error pipe after MassTransit's own fault and move filters, so a message is
/// counted once it is in the error queue, after its retries, and never for a retry that later succeeded.
/// </summary>
public sealed class ErrorQueueCounter : IFilter<ExceptionReceiveContext>
{
    public const string InstrumentName = "platform.messaging.error_queue.messages";

    private readonly Counter<long> _moved;
    private readonly KeyValuePair<string, object?> _queue;

    public ErrorQueueCounter(ServiceMeter meter, string queue)
    {
        _moved = meter.Meter.CreateCounter<long>(InstrumentName, "{message}", "Messages moved to an error queue after their retries.");
        _queue = new("messaging.destination.name", queue);
    }

    public async Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        await next.Send(context);
        _moved.Add(1, _queue, new KeyValuePair<string, object?>("error.type", context.Exception.GetType().Name));
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("platform-error-queue-counter");
}
