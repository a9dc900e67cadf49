using BlairClip.ML.Core;

namespace BlairClip.ML.Search;

/// <summary>
/// Seeded synthetic item embeddings shaped like real ones, for benchmarks and tests of the search indexes: a two-level
/// Gaussian mixture on the unit sphere. <see cref="Clusters"/> cluster centres are grouped under one super-centre per 16
/// (a centre is its super-centre plus noise of norm ≈ 0.7, so sibling clusters overlap); cluster sizes follow log-normal
/// weights (σ = 1); an item is its cluster's centre plus anisotropic Gaussian noise — per-axis scale decaying as
/// 1/√(1 + 16k/dim), a per-cluster norm between 0.5 and 1 — L2-normalised.
/// <para>Row r is a fixed function of (seed, r): rows past those indexed are held-out draws of the same distribution
/// (queries), and generation in parallel gives the same matrix as in series.</para>
/// </summary>
public sealed class SyntheticEmbeddings
{
    private const int ClustersPerSuper = 16;
    private const float CentreSpread = 0.7f, MinNoise = 0.5f, MaxNoise = 1.0f;

    private readonly float[] _centres, _noise, _scale;
    private readonly double[] _cumulative;
    private readonly ulong _stream;

    /// <summary>The distribution of <paramref name="clusters"/> clusters in <paramref name="dim"/> dimensions for
    /// <paramref name="seed"/>.</summary>
    public SyntheticEmbeddings(int dim, int clusters, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusters, 1);
        Dimension = dim; Clusters = clusters;
        _stream = SplitMix64.Finalize((ulong)(uint)seed ^ 0x53594E45UL);
        var rng = new Draws(SplitMix64.Finalize(_stream ^ 0xC0FFEEUL));
        int supers = (clusters + ClustersPerSuper - 1) / ClustersPerSuper;
        var super = new float[supers * dim];
        for (int s = 0; s < supers; s++) UnitGaussian(ref rng, super.AsSpan(s * dim, dim), 1f);
        _centres = new float[clusters * dim];
        _noise = new float[clusters];
        _cumulative = new double[clusters];
        double total = 0;
        for (int c = 0; c < clusters; c++)
        {
            var centre = _centres.AsSpan(c * dim, dim);
            UnitGaussian(ref rng, centre, CentreSpread);
            for (int k = 0; k < dim; k++) centre[k] += super[c / ClustersPerSuper * dim + k];
            VectorSearch.Normalize(centre);
            _noise[c] = MinNoise + (MaxNoise - MinNoise) * (float)rng.Uniform();
            total += Math.Exp(rng.Gaussian());
            _cumulative[c] = total;
        }
        for (int c = 0; c < clusters; c++) _cumulative[c] /= total;
        _scale = new float[dim];
        for (int k = 0; k < dim; k++) _scale[k] = 1f / MathF.Sqrt(1 + 16f * k / dim);
        // Scaled so that the noise vector's expected squared norm is the cluster's noise norm squared.
        float norm = (float)Math.Sqrt(_scale.Sum(s => (double)s * s));
        for (int k = 0; k < dim; k++) _scale[k] /= norm;
    }

    public int Dimension { get; }
    public int Clusters { get; }

    /// <summary>What the data is, in one line (for a bench's output).</summary>
    public string Description =>
        $"{Clusters:N0} Gaussian clusters in {(Clusters + ClustersPerSuper - 1) / ClustersPerSuper:N0} groups of {ClustersPerSuper} " +
        $"(centre = group centre + noise of norm {CentreSpread}), log-normal cluster sizes, per-cluster noise norm {MinNoise}–{MaxNoise} " +
        $"with per-axis scale ∝ 1/√(1 + 16k/d), L2-normalised, {Dimension}-d";

    /// <summary>Rows <paramref name="first"/> .. <paramref name="first"/> + <paramref name="rows"/> − 1, row-major, on all cores.</summary>
    public float[] Generate(int rows, long first = 0)
    {
        var matrix = new float[(long)rows * Dimension];
        Parallel.For(0, (rows + 4095) / 4096, chunk =>
        {
            for (int r = chunk * 4096; r < Math.Min(rows, chunk * 4096 + 4096); r++) Row(first + r, matrix.AsSpan(r * Dimension, Dimension));
        });
        return matrix;
    }

    /// <summary>Writes row <paramref name="row"/> (unit norm) into <paramref name="destination"/> (<see cref="Dimension"/> values).</summary>
    public void Row(long row, Span<float> destination)
    {
        var rng = new Draws(SplitMix64.Finalize(_stream + (ulong)row * 0x9E3779B97F4A7C15UL));
        int c = Array.BinarySearch(_cumulative, rng.Uniform());
        c = Math.Min(c < 0 ? ~c : c, Clusters - 1);
        var centre = _centres.AsSpan(c * Dimension, Dimension);
        float noise = _noise[c];
        for (int k = 0; k < Dimension; k++) destination[k] = centre[k] + noise * _scale[k] * (float)rng.Gaussian();
        VectorSearch.Normalize(destination);
    }

    /// <summary>A unit-norm Gaussian direction times <paramref name="length"/>.</summary>
    private static void UnitGaussian(ref Draws rng, Span<float> destination, float length)
    {
        for (int k = 0; k < destination.Length; k++) destination[k] = (float)rng.Gaussian();
        VectorSearch.Normalize(destination);
        for (int k = 0; k < destination.Length; k++) destination[k] *= length;
    }

    /// <summary>A SplitMix64 stream: uniforms in [0, 1) and standard normals (Box–Muller, both values used).</summary>
    private struct Draws(ulong state)
    {
        private double _spare;
        private bool _hasSpare;

        public double Uniform()
        {
            state += 0x9E3779B97F4A7C15UL;
            return (SplitMix64.Finalize(state) >> 11) * (1.0 / (1UL << 53));
        }

        public double Gaussian()
        {
            if (_hasSpare) { _hasSpare = false; return _spare; }
            double u = 1 - Uniform(), v = Uniform();
            double radius = Math.Sqrt(-2 * Math.Log(u));
            _spare = radius * Math.Sin(2 * Math.PI * v);
            _hasSpare = true;
            return radius * Math.Cos(2 * Math.PI * v);
        }
    }
}
