namespace BlairClip.ML.Evaluation;

/// <summary>The standard normal distribution's upper tail, 1 − Φ(z) = ½·erfc(z/√2), with erfc from W. J. Cody's
/// rational approximations (relative error below 1e-15): .NET has no erfc.</summary>
public static class Normal
{
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>The complementary error function.</summary>
    public static double Erfc(double x)
    {
        if (x < 0) return 2 - Erfc(-x);
        if (x < 0.5) return 1 - Erf(x);
        double y = x;
        if (y < 4)
        {
            double[] p = [3.004592610201616e2, 4.519189537118729e2, 3.393208167343437e2, 1.529892850469404e2, 4.316222722205674e1, 7.211758250883094, 5.641955174789740e-1, -1.368648573827167e-7];
            double[] q = [3.004592609569833e2, 7.909509253278980e2, 9.313540948506096e2, 6.389802644656312e2, 2.775854447439876e2, 7.700015293522947e1, 1.278272731962942e1, 1.0];
            double num = 0, den = 0;
            for (int k = p.Length - 1; k >= 0; k--) { num = num * y + p[k]; den = den * y + q[k]; }
            return Math.Exp(-y * y) * num / den;
        }
        else
        {
            double[] p = [-2.99610707703542174e-3, -4.94730910623250734e-2, -2.26956593539686930e-1, -2.78661308609647788e-1, -2.23192459734184686e-2];
            double[] q = [1.06209230528467918e-2, 1.91308926107829841e-1, 1.05167510706793207, 1.98733201817135256, 1.0];
            double z = 1 / (y * y), num = 0, den = 0;
            for (int k = p.Length - 1; k >= 0; k--) { num = num * z + p[k]; den = den * z + q[k]; }
            return Math.Exp(-y * y) / y * (1 / Math.Sqrt(Math.PI) + z * num / den);
        }
    }

    private static double Erf(double x)
    {
        double[] p = [3.16112374387056560, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
        double[] q = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
        double z = x * x;
        double num = p[4] * z, den = z;
        for (int k = 0; k < 3; k++) { num = (num + p[k]) * z; den = (den + q[k]) * z; }
        return x * (num + p[3]) / (den + q[3]);
    }
}
