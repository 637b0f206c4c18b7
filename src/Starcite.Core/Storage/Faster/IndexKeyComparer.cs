using FASTER.core;

namespace Starcite.Storage.Faster;

/// <summary>
/// Hashing for index keys. The hash must be the same in every process, because index checkpoints persist hash
/// buckets: a per-process randomised hash (<c>HashCode.Combine</c>) would make every recovered key unreachable.
/// </summary>
internal sealed class IndexKeyComparer : IFasterEqualityComparer<IndexKey>
{
    public static readonly IndexKeyComparer Instance = new();

    public long GetHashCode64(ref IndexKey k) => (long)Mix((ulong)k.Session ^ Mix((ulong)k.Producer ^ Mix((ulong)k.Seq)));

    public bool Equals(ref IndexKey k1, ref IndexKey k2) => k1 == k2;

    // MurmurHash3's 64-bit finaliser: cheap, and spreads consecutive seqs across buckets.
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
