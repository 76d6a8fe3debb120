using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Platform.ServiceDefaults;
using Platform.Ingestion.V1;

namespace Platform.Ingestion.Articles;

/// <summary>Submission (one article, or many on a stream) and reprocessing over gRPC.</summary>
public sealed class ArticleIngestionService(SubmitArticleHandler handler, ReprocessArticlesHandler reprocess, Microsoft.Extensions.Options.IOptions<IngestionOptions> options)
    : ArticleIngestion.ArticleIngestionBase
{
    [Authorize(Policy = PlatformScopes.Admin)]
    public override async Task<ReprocessArticlesResponse> ReprocessArticles(ReprocessArticlesRequest request, ServerCallContext context)
    {
        try
        {
            var ids = request.ArticleIds.Select(id => Guid.TryParse(id, out var guid) ? guid
                : throw new ArticleRejectedException(RejectionReasons.InvalidSelection, $"article_ids: '{id}' is not a UUID.")).ToList();
            var selection = new ReprocessArticlesHandler.Selection(ids,
                ReprocessArticlesHandler.ParseDay(request.PublishedFrom, "published_from"),
                ReprocessArticlesHandler.ParseDay(request.PublishedTo, "published_to"), request.All);
            var reprocessed = await reprocess.HandleAsync(selection, context.CancellationToken);
            var response = new ReprocessArticlesResponse { Articles = reprocessed.Count };
            response.ArticleIds.AddRange(reprocessed.Select(id => id.ToString()));
            return response;
        }
        catch (ArticleRejectedException rejected)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, rejected.Message));
        }
    }

    /// <summary>The most articles one transaction of a bulk submission stores.</summary>
    public const int MaxBatch = 200;

    [Authorize(Policy = PlatformScopes.Submit)]
    [EnableRateLimiting(RateLimitExtensions.Submission)]
    public override async Task<SubmitArticleResponse> SubmitArticle(SubmitArticleRequest request, ServerCallContext context)
    {
        try
        {
            return ToResponse(await handler.HandleAsync(ToCommand(request), context.CancellationToken));
        }
        catch (ArticleRejectedException rejected)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, rejected.Message));
        }
    }

    /// <summary>
    /// Bulk submission: requests are read as they come and stored in batches of what has arrived (up to
    /// <see cref="MaxBatch"/>), so a fast client fills batches and a slow one is answered article by article. Each
    /// result carries its request's index.
    /// </summary>
    [Authorize(Policy = PlatformScopes.Submit)]
    [EnableRateLimiting(RateLimitExtensions.Submission)]
    public override async Task SubmitArticles(IAsyncStreamReader<SubmitArticleRequest> requestStream, IServerStreamWriter<SubmitArticleResult> responseStream,
        ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var arrived = System.Threading.Channels.Channel.CreateBounded<SubmitArticleRequest>(MaxBatch * 2);
        var limit = options.Value.MaxArticlesPerStream;
        var overLimit = false;
        var reading = Task.Run(async () =>
        {
            try
            {
                var read = 0;
                await foreach (var request in requestStream.ReadAllAsync(cancellationToken))
                {
                    if (++read > limit)
                    {
                        overLimit = true;
                        break;
                    }
                    await arrived.Writer.WriteAsync(request, cancellationToken);
                }
                arrived.Writer.Complete();
            }
            catch (Exception e)
            {
                arrived.Writer.Complete(e);
            }
        }, cancellationToken);
        long index = 0;
        var batch = new List<SubmitArticle>(MaxBatch);
        var buffered = new WriteOptions(WriteFlags.BufferHint);
        while (await arrived.Reader.WaitToReadAsync(cancellationToken))
        {
            while (batch.Count < MaxBatch && arrived.Reader.TryRead(out var request))
            {
                batch.Add(ToCommand(request));
            }
            var outcomes = await handler.HandleBatchAsync(batch, cancellationToken);
            for (var i = 0; i < outcomes.Count; i++)
            {
                var outcome = outcomes[i];
                var result = new SubmitArticleResult { Index = index + i };
                if (outcome.Accepted is { } accepted)
                {
                    result.Outcome = accepted.Duplicate ? SubmitOutcome.Duplicate : SubmitOutcome.Ingested;
                    result.Article = ToResponse(accepted);
                }
                else
                {
                    result.Outcome = SubmitOutcome.Rejected;
                    result.Reason = outcome.Rejection ?? "";
                }
                responseStream.WriteOptions = i < outcomes.Count - 1 ? buffered : null;
                await responseStream.WriteAsync(result, cancellationToken);
            }
            index += batch.Count;
            batch.Clear();
        }
        await reading;
        if (overLimit)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"A SubmitArticles stream takes at most {limit} articles (Ingestion:MaxArticlesPerStream); the first {limit} were answered, send the rest on a new stream."));
        }
    }

    private static SubmitArticle ToCommand(SubmitArticleRequest request) => new(
        request.HasText ? request.Text : null,
        request.HasHtml ? request.Html : null,
        request.Title, request.Url, request.SourceName, request.Language, request.PublishedOn);

    private static SubmitArticleResponse ToResponse(ArticleAccepted accepted) => new()
    {
        ArticleId = accepted.ArticleId.ToString(),
        Duplicate = accepted.Duplicate,
        ContentHash = accepted.ContentHash,
        Language = accepted.Language,
        PublishedOn = accepted.PublishedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        TextLength = accepted.TextLength,
    };
}
