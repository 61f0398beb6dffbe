using JourneyML.Core.Scoring;
using static JourneyML.Core.Tests.Scoring.SnapshotFiles;

namespace JourneyML.Core.Tests.Scoring;

public sealed class AlertRuleTests
{
    [Fact]
    public void By_default_an_alert_is_a_churn_risk_rising_to_0_4_or_a_move_into_at_risk_or_dormant()
    {
        Assert.Equal(0.4, AlertRules.DefaultChurnRiskThreshold);
        Assert.Equal(["At-risk", "Dormant"], AlertRules.Default.Stages);
        var before = Of(AsOf.AddDays(-7),
            new Customer("crosses", null, "customer", 0, 0.39f, float.NaN),
            new Customer("stays-high", null, "customer", 0, 0.5f, float.NaN),
            new Customer("goes-dormant", null, "customer", 0, 0.1f, float.NaN),
            new Customer("to-renewal", null, "customer", 0, 0.1f, float.NaN));
        var now = Of(AsOf,
            new Customer("crosses", null, "customer", 0, 0.4f, float.NaN),
            new Customer("stays-high", null, "customer", 0, 0.6f, float.NaN),
            new Customer("goes-dormant", null, "customer", 0, 0.1f, float.NaN, Stage: "Dormant"),
            new Customer("to-renewal", null, "customer", 0, 0.1f, float.NaN, Stage: "Renewal"));
        var view = View(before, now); // no rules given: the defaults
        var alerts = view.Alerts;
        Assert.Equal(["crosses", "goes-dormant"], alerts.Select(a => a.CustomerId).Order());
        Assert.Equal(AlertKind.RiskCrossedThreshold, alerts.Single(a => a.CustomerId == "crosses").Kind);
        Assert.Equal(AlertKind.StageMoved, alerts.Single(a => a.CustomerId == "goes-dormant").Kind);
        // The latest snapshot's alerts are the ones of its run; none is newer than its as-of date.
        Assert.Equal(alerts, view.LatestAlerts);
        Assert.Equal(alerts, view.AlertsSince(AsOf.AddDays(-1)));
        Assert.Empty(view.AlertsSince(AsOf));
    }
}
