using Grpc.Core;
using Platform.Ingestion.V1;

namespace Platform.Ingestion.Articles;

/// <summary>SubmitArticle over gRPC.</summary>
public sealed class ArticleIngestionService(SubmitArticleHandler handler, ReprocessArticlesHandler reprocess) : ArticleIngestion.ArticleIngestionBase
{
    public override async Task<ReprocessArticlesResponse> ReprocessArticles(ReprocessArticlesRequest request, ServerCallContext context)
    {
        try
        {
            var ids = request.ArticleIds.Select(id => Guid.TryParse(id, out var guid) ? guid
                : throw new ArticleRejectedException($"article_ids: '{id}' is not a UUID.")).ToList();
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

    public override async Task<SubmitArticleResponse> SubmitArticle(SubmitArticleRequest request, ServerCallContext context)
    {
        var command = new SubmitArticle(
            request.HasText ? request.Text : null,
            request.HasHtml ? request.Html : null,
            request.Title, request.Url, request.SourceName, request.Language, request.PublishedOn);
        try
        {
            var accepted = await handler.HandleAsync(command, context.CancellationToken);
            return new SubmitArticleResponse
            {
                ArticleId = accepted.ArticleId.ToString(),
                Duplicate = accepted.Duplicate,
                ContentHash = accepted.ContentHash,
                Language = accepted.Language,
                PublishedOn = accepted.PublishedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                TextLength = accepted.TextLength,
            };
        }
        catch (ArticleRejectedException rejected)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, rejected.Message));
        }
    }
}

/// <summary>POST /articles: the same submission as JSON, for curl and scripts.</summary>
public static class ArticleHttpEndpoints
{
    public sealed record SubmitArticleResponseBody(
        string ArticleId, bool Duplicate, string ContentHash, string Language, string PublishedOn, int TextLength);

    public static IEndpointRouteBuilder MapArticleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/articles", async (HttpRequest request, SubmitArticleHandler handler, CancellationToken cancellationToken) =>
        {
            SubmitArticle? command;
            try
            {
                command = await request.ReadFromJsonAsync<SubmitArticle>(cancellationToken);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or BadHttpRequestException
                or System.Text.DecoderFallbackException)
            {
                return Results.Problem(
                    title: "The body is not a JSON article.",
                    detail: $"Send UTF-8 JSON with 'text' or 'html' and optional 'title', 'url', 'sourceName', 'language', 'publishedOn'. {e.Message}",
                    statusCode: StatusCodes.Status400BadRequest);
            }
            if (command is null)
            {
                return Results.Problem(title: "The body is empty.", statusCode: StatusCodes.Status400BadRequest);
            }
            try
            {
                var accepted = await handler.HandleAsync(command, cancellationToken);
                var body = new SubmitArticleResponseBody(
                    accepted.ArticleId.ToString(), accepted.Duplicate, accepted.ContentHash, accepted.Language,
                    accepted.PublishedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), accepted.TextLength);
                return accepted.Duplicate
                    ? Results.Ok(body)
                    : Results.Created($"/articles/{accepted.ArticleId}", body);
            }
            catch (ArticleRejectedException rejected)
            {
                return Results.Problem(title: "The article was rejected.", detail: rejected.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        });
        return endpoints;
    }
}
