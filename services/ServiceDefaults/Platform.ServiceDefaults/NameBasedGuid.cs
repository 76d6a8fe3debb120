using System.Security.Cryptography;
using System.Text;

namespace Platform.ServiceDefaults;

/// <summary>
/// Ids derived from content (RFC 9562 version 8: the first 16 bytes of a SHA-256, with version and variant bits
/// set). The same name always gives the same id, so redelivered messages and resubmitted articles find their
/// streams instead of starting new ones. Persisted: never change the derivation.
/// </summary>
public static class NameBasedGuid
{
    public static Guid FromHash(ReadOnlySpan<byte> sha256)
    {
        var bytes = sha256[..16].ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public static Guid From(string name) => FromHash(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
}
