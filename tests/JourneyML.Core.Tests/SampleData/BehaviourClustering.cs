namespace JourneyML.Core.Tests.SampleData;

/// <summary>
/// The check the segmentation engineer will run: behaviour features over the 90 days before the as-of date,
/// log-scaled and standardised, k-means (k-means++, best of several starts), adjusted Rand index against the truth.
/// </summary>
internal static class BehaviourClustering
{
    private static readonly HashSet<string> s_content =
        ["page_view", "email_open", "email_click", "download", "webinar_attended", "case_study_view", "comparison_page_view"];

    public static double[] Features(IEnumerable<EventRow> events, DateTime asOf)
    {
        double logins30 = 0, loginsPrev30 = 0, logins90 = 0, tickets = 0, content = 0, pricing = 0;
        var days = new HashSet<DateTime>();
        foreach (var e in events)
        {
            double age = (asOf - e.OccurredAt).TotalDays;
            if (age <= 0 || age > 90)
            {
                continue;
            }
            days.Add(e.OccurredAt.Date);
            switch (e.Type)
            {
                case "login":
                    logins90++;
                    if (age <= 30)
                    {
                        logins30++;
                    }
                    else if (age <= 60)
                    {
                        loginsPrev30++;
                    }
                    break;
                case "ticket_opened":
                    tickets++;
                    break;
                case "pricing_page_view":
                    pricing++;
                    break;
                default:
                    if (s_content.Contains(e.Type))
                    {
                        content++;
                    }
                    break;
            }
        }
        return
        [
            Math.Log(1 + logins30),
            Math.Log(1 + logins90),
            Math.Log((1 + logins30) / (1 + loginsPrev30)),
            Math.Log(1 + days.Count),
            Math.Log(1 + tickets),
            Math.Log(1 + content),
            Math.Log(1 + pricing),
        ];
    }

    public static int[] KMeans(double[][] rows, int k, int seed, int starts = 5, int iterations = 100)
    {
        int d = rows[0].Length;
        var mean = new double[d];
        var sd = new double[d];
        for (int j = 0; j < d; j++)
        {
            mean[j] = rows.Average(r => r[j]);
            sd[j] = Math.Sqrt(rows.Average(r => (r[j] - mean[j]) * (r[j] - mean[j])));
            if (sd[j] == 0)
            {
                sd[j] = 1;
            }
        }
        var x = rows.Select(r => r.Select((v, j) => (v - mean[j]) / sd[j]).ToArray()).ToArray();
        var random = new Random(seed);
        int[] best = [];
        double bestInertia = double.MaxValue;
        for (int s = 0; s < starts; s++)
        {
            var centres = new List<double[]> { x[random.Next(x.Length)] };
            while (centres.Count < k)
            {
                var dist = x.Select(p => centres.Min(c => Distance(p, c))).ToArray();
                double pick = random.NextDouble() * dist.Sum();
                int i = 0;
                while (i < x.Length - 1 && (pick -= dist[i]) > 0)
                {
                    i++;
                }
                centres.Add(x[i]);
            }
            var c2 = centres.Select(c => (double[])c.Clone()).ToArray();
            var labels = new int[x.Length];
            for (int it = 0; it < iterations; it++)
            {
                bool changed = false;
                for (int i = 0; i < x.Length; i++)
                {
                    int label = Enumerable.Range(0, k).MinBy(c => Distance(x[i], c2[c]));
                    changed |= label != labels[i];
                    labels[i] = label;
                }
                for (int c = 0; c < k; c++)
                {
                    var members = Enumerable.Range(0, x.Length).Where(i => labels[i] == c).ToArray();
                    if (members.Length > 0)
                    {
                        c2[c] = Enumerable.Range(0, d).Select(j => members.Average(i => x[i][j])).ToArray();
                    }
                }
                if (!changed && it > 0)
                {
                    break;
                }
            }
            double inertia = Enumerable.Range(0, x.Length).Sum(i => Distance(x[i], c2[labels[i]]));
            if (inertia < bestInertia)
            {
                bestInertia = inertia;
                best = labels;
            }
        }
        return best;
    }

    public static double AdjustedRandIndex(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        static double Pairs(double n) => n * (n - 1) / 2;
        var table = new Dictionary<(int, int), int>();
        for (int i = 0; i < a.Count; i++)
        {
            table[(a[i], b[i])] = table.GetValueOrDefault((a[i], b[i])) + 1;
        }
        double sumCells = table.Values.Sum(v => Pairs(v));
        double sumA = a.GroupBy(v => v).Sum(g => Pairs(g.Count()));
        double sumB = b.GroupBy(v => v).Sum(g => Pairs(g.Count()));
        double expected = sumA * sumB / Pairs(a.Count);
        return (sumCells - expected) / ((sumA + sumB) / 2 - expected);
    }

    private static double Distance(double[] p, double[] q)
    {
        double sum = 0;
        for (int j = 0; j < p.Length; j++)
        {
            double diff = p[j] - q[j];
            sum += diff * diff;
        }
        return sum;
    }
}
