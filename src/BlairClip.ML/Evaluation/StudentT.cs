namespace BlairClip.ML.Evaluation;

/// <summary>Student's t distribution tail probabilities, through the regularized incomplete beta function.</summary>
internal static class StudentT
{
    /// <summary>P(|T| ≥ |t|) for T ~ t(<paramref name="df"/>) = I_{df/(df+t²)}(df/2, 1/2).</summary>
    public static double TwoSidedP(double t, double df)
    {
        if (double.IsNaN(t)) return double.NaN;
        if (double.IsInfinity(t)) return 0.0;
        return RegularizedBeta(df / (df + t * t), df / 2, 0.5);
    }

    /// <summary>I_x(a, b) by the continued fraction of the incomplete beta function (evaluated with the
    /// modified Lentz method), using I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0.0;
        if (x >= 1) return 1.0;
        double logFront = a * Math.Log(x) + b * Math.Log(1 - x) - LogBeta(a, b);
        if (x < (a + 1) / (a + b + 2)) return Math.Exp(logFront) * BetaFraction(x, a, b) / a;
        return 1.0 - Math.Exp(logFront) * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300, Eps = 1e-16;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < Tiny) d = Tiny;
        d = 1 / d;
        double f = d;
        for (int m = 1; m <= 10_000; m++)
        {
            // Even step d_{2m}, then odd step d_{2m+1}, of the continued fraction's coefficients.
            double num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d; if (Math.Abs(d) < Tiny) d = Tiny;
            c = 1 + num / c; if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d; f *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + num * d; if (Math.Abs(d) < Tiny) d = Tiny;
            c = 1 + num / c; if (Math.Abs(c) < Tiny) c = Tiny;
            d = 1 / d;
            double delta = d * c;
            f *= delta;
            if (Math.Abs(delta - 1) < Eps) return f;
        }
        return f;
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0 by the Lanczos approximation (g = 7), about 15 significant digits.</summary>
    internal static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double sum = Lanczos[0];
        for (int k = 1; k < Lanczos.Length; k++) sum += Lanczos[k] / (x + k);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
