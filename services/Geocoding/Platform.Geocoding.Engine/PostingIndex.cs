namespace Platform.Geocoding.Engine;

/// <summary>
/// Place indexes by a key (a folded name, a skeleton, a spelling key), stored by a 64-bit hash of the key rather than the
/// key itself: keys are only ever looked up, never listed, and a hash takes a fraction of a string's memory. (Two of a
/// few million keys sharing a 64-bit hash is a chance of about one in a million; it would add a candidate that ranking
/// then weighs like any other.) Most keys belong to one place: the value is that place's index (>= 0); a key shared by
/// several stores -(k + 1), pointing at the k-th shared posting list.
/// </summary>
internal sealed class PostingIndex
{
    private readonly Dictionary<long, int> _byHash = [];
    private readonly List<List<int>> _shared = [];
    private int[][]? _compact;

    /// <summary>The number of distinct keys.</summary>
    public int Count => _byHash.Count;

    public void EnsureCapacity(int capacity) => _byHash.EnsureCapacity(capacity);

    /// <summary>Adds a posting; a place's names arrive together, so a repeat is always the list's last entry.</summary>
    public void Add(ReadOnlySpan<char> key, int place)
    {
        if (_compact is not null)
        {
            throw new InvalidOperationException("The index was compacted: it takes no more keys.");
        }
        var hash = Hash(key);
        if (!_byHash.TryGetValue(hash, out var postings))
        {
            _byHash[hash] = place;
        }
        else if (postings >= 0 && postings != place)
        {
            _shared.Add([postings, place]);
            _byHash[hash] = -_shared.Count;
        }
        else if (postings < 0 && _shared[-postings - 1][^1] != place)
        {
            _shared[-postings - 1].Add(place);
        }
    }

    public IReadOnlyList<int> Find(ReadOnlySpan<char> key) =>
        !_byHash.TryGetValue(Hash(key), out var postings) ? []
        : postings >= 0 ? [postings]
        : _compact is not null ? _compact[-postings - 1]
        : _shared[-postings - 1];

    /// <summary>Every posting list of a key that several places share.</summary>
    public IEnumerable<IReadOnlyList<int>> SharedPostings() => _compact is not null ? _compact : _shared;

    /// <summary>
    /// Ends the load: shared posting lists become arrays of their exact size (a list's spare capacity and header are
    /// most of the memory a short list takes).
    /// </summary>
    public void Compact()
    {
        _compact = _shared.Select(list => list.ToArray()).ToArray();
        _shared.Clear();
        _shared.TrimExcess();
        _byHash.TrimExcess();
    }

    /// <summary>XxHash3 of the key's UTF-16 code units: the same in every process, unlike string hash codes.</summary>
    private static long Hash(ReadOnlySpan<char> key) =>
        (long)System.IO.Hashing.XxHash3.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key));
}
