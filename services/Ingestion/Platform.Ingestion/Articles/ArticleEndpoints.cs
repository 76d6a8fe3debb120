namespace Platform.Ingestion.Articles;

/// <summary>POST /articles: the same submission as JSON, for curl and scripts.</summary>
public static class ArticleHttpEndpoints
{
    public sealed record SubmitArticleResponseBody(
        string ArticleId, bool Duplicate, string ContentHash, string Language, string PublishedOn, int TextLength);

    public static IEndpointRouteBuilder MapArticleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/articles", async (HttpRequest request, SubmitArticleHandler handler, CancellationToken cancellationToken) =>
        {
            if (!request.HasJsonContentType())
            {
                return Results.Problem(
                    title: "The body is not JSON.",
                    detail: $"Content-Type is '{request.ContentType}'; send the article as JSON with Content-Type: application/json.",
                    statusCode: StatusCodes.Status415UnsupportedMediaType);
            }
            SubmitArticle? command;
            try
            {
                command = await request.ReadFromJsonAsync<SubmitArticle>(cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Problem(
                    title: "The body is too large.",
                    detail: $"{e.Message} The article itself may hold at most Ingestion:MaxArticleBytes of text.",
                    statusCode: StatusCodes.Status413PayloadTooLarge);
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
        }).RequireAuthorization(Platform.ServiceDefaults.PlatformScopes.Submit)
            .RequireRateLimiting(Platform.ServiceDefaults.RateLimitExtensions.Submission);
        return endpoints;
    }
}
