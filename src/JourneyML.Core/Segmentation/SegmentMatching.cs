namespace JourneyML.Core.Segmentation;

/// <summary>Minimum-cost one-to-one matching (Hungarian algorithm) between new clusters and the champion's segments.</summary>
internal static class SegmentMatching
{
    /// <summary>For each row, the column it is matched to, or -1 when there are more rows than columns and it is left over.</summary>
    public static int[] MinimumCost(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        int n = Math.Max(rows, columns);
        var assignment = new Assignment(SquaredWithDummies(cost, n), n);
        for (int i = 1; i <= n; i++)
        {
            assignment.AddRow(i);
        }
        return assignment.Matches(rows, columns);
    }

    /// <summary>
    /// Square the problem with zero-cost dummies: a row matched to a dummy column is unmatched. Indices start at 1
    /// (row and column 0 are the algorithm's sentinel).
    /// </summary>
    private static double[,] SquaredWithDummies(double[,] cost, int n)
    {
        var a = new double[n + 1, n + 1];
        for (int i = 0; i < cost.GetLength(0); i++)
        {
            for (int j = 0; j < cost.GetLength(1); j++)
            {
                a[i + 1, j + 1] = cost[i, j];
            }
        }
        return a;
    }

    /// <summary>The Hungarian algorithm's state: row and column potentials, and the row each column is matched to.</summary>
    private sealed class Assignment(double[,] a, int n)
    {
        private readonly double[] _u = new double[n + 1];
        private readonly double[] _v = new double[n + 1];
        /// <summary>The row matched to each column (0: none).</summary>
        private readonly int[] _p = new int[n + 1];
        /// <summary>The column before each column on the current augmenting path.</summary>
        private readonly int[] _way = new int[n + 1];

        /// <summary>Matches row i, re-matching earlier rows along the cheapest augmenting path.</summary>
        public void AddRow(int i)
        {
            _p[0] = i;
            AugmentTo(FindFreeColumn());
        }

        /// <summary>Grows the tree of tight edges from row _p[0], moving the potentials, until it reaches an unmatched column.</summary>
        private int FindFreeColumn()
        {
            int j0 = 0;
            var minv = new double[n + 1];
            Array.Fill(minv, double.PositiveInfinity);
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                int j1 = ClosestColumn(j0, minv, used, out double delta);
                ShiftPotentials(delta, minv, used);
                j0 = j1;
            }
            while (_p[j0] != 0);
            return j0;
        }

        /// <summary>Updates each unused column's least reduced cost through row _p[j0]; returns the column with the least, and that cost.</summary>
        private int ClosestColumn(int j0, double[] minv, bool[] used, out double delta)
        {
            int i0 = _p[j0], j1 = 0;
            delta = double.PositiveInfinity;
            for (int j = 1; j <= n; j++)
            {
                if (used[j])
                {
                    continue;
                }
                double current = a[i0, j] - _u[i0] - _v[j];
                if (current < minv[j])
                {
                    minv[j] = current;
                    _way[j] = j0;
                }
                if (minv[j] < delta)
                {
                    delta = minv[j];
                    j1 = j;
                }
            }
            return j1;
        }

        private void ShiftPotentials(double delta, double[] minv, bool[] used)
        {
            for (int j = 0; j <= n; j++)
            {
                if (used[j])
                {
                    _u[_p[j]] += delta;
                    _v[j] -= delta;
                }
                else
                {
                    minv[j] -= delta;
                }
            }
        }

        /// <summary>Flips the matching along the path that ends at column j0.</summary>
        private void AugmentTo(int j0)
        {
            do
            {
                int j1 = _way[j0];
                _p[j0] = _p[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }

        /// <summary>For each real row, its real column, or -1 when it is matched to a dummy.</summary>
        public int[] Matches(int rows, int columns)
        {
            var match = new int[rows];
            Array.Fill(match, -1);
            for (int j = 1; j <= n; j++)
            {
                if (_p[j] >= 1 && _p[j] <= rows && j <= columns)
                {
                    match[_p[j] - 1] = j - 1;
                }
            }
            return match;
        }
    }
}
