using System.Security.Cryptography;
using System.Text;
using Platform.ServiceDefaults;

namespace Platform.Ingestion.Articles;

/// <summary>
/// The stable identity of an article: derived from its normalised text only, so the same report submitted
/// again (from another URL, with another title, with different page furniture) lands on the same stream.
/// </summary>
public static class ArticleIdentity
{
    public static (Guid ArticleId, string ContentHash) For(string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(normalizedText);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(normalizedText));
        return (NameBasedGuid.FromHash(hash), Convert.ToHexStringLower(hash));
    }
}
