namespace JourneyML.Core.Segmentation;

/// <summary>Minimum-cost one-to-one matching (Hungarian algorithm) between new clusters and the champion's segments.</summary>
internal static class SegmentMatching
{
    /// <summary>For each row, the column it is matched to, or -1 when there are more rows than columns and it is left over.</summary>
    public static int[] MinimumCost(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        int n = Math.Max(rows, columns);
        // Square the problem with zero-cost dummies: a row matched to a dummy column is unmatched.
        var a = new double[n + 1, n + 1];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                a[i + 1, j + 1] = cost[i, j];
            }
        }
        var u = new double[n + 1];
        var v = new double[n + 1];
        var p = new int[n + 1];
        var way = new int[n + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            var minv = new double[n + 1];
            Array.Fill(minv, double.PositiveInfinity);
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j])
                    {
                        continue;
                    }
                    double current = a[i0, j] - u[i0] - v[j];
                    if (current < minv[j])
                    {
                        minv[j] = current;
                        way[j] = j0;
                    }
                    if (minv[j] < delta)
                    {
                        delta = minv[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    }
                    else
                    {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            }
            while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        var match = new int[rows];
        Array.Fill(match, -1);
        for (int j = 1; j <= n; j++)
        {
            if (p[j] >= 1 && p[j] <= rows && j <= columns)
            {
                match[p[j] - 1] = j - 1;
            }
        }
        return match;
    }
}
