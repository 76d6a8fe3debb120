using System.Security.Cryptography;
using System.Text;

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
        var bytes = hash.AsSpan(0, 16).ToArray();
        // Mark the Guid as RFC 9562 version 8 (custom, name-based) so it never collides with random v4 ids.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return (new Guid(bytes, bigEndian: true), Convert.ToHexStringLower(hash));
    }
}
