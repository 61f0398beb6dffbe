using JourneyML.Core.Errors;
using JourneyML.Core.Scoring;
using static JourneyML.Core.Tests.Scoring.SnapshotFiles;

namespace JourneyML.Core.Tests.Scoring;

public sealed class AccountRollupTests
{
    private static readonly SnapshotView s_view = View(Of(AsOf,
        new Customer("user-quiet", "acme", "customer", 0, 0.7f, float.NaN, Role: "user", ActiveDays: 0),
        new Customer("boss", "acme", "customer", 1, 0.3f, float.NaN, Role: "Decision-Maker", ActiveDays: 4),
        new Customer("finance-lead", "acme", "lead", 0, float.NaN, 0.8f, Role: "finance", ActiveDays: 2),
        new Customer("it-lead", "acme", "lead", 2, float.NaN, 0.2f, Role: "IT", ActiveDays: 1),
        new Customer("elsewhere", "globex", "customer", 0, 0.9f, float.NaN, Role: "decision-maker", ActiveDays: 9)));

    [Fact]
    public void An_account_is_as_risky_as_its_riskiest_paying_contact_and_as_promising_as_its_best_lead()
    {
        var a = AccountRollup.Of(s_view, "acme");
        Assert.Equal(4, a.Contacts);
        Assert.Equal(0.7f, a.AccountChurnRisk);
        Assert.Equal(0.5f, a.AverageChurnRisk!.Value, 5);
        Assert.Equal(0.8f, a.AccountLeadScore);
        Assert.Equal("user-quiet", a.HighestRiskContact);
        // Highest churn risk first, then the leads by lead score.
        Assert.Equal(["user-quiet", "boss", "finance-lead", "it-lead"], a.ContactList.Select(c => c.CustomerId));
    }

    [Fact]
    public void Engagement_counts_contacts_active_in_the_last_30_days_their_roles_and_whether_a_decision_maker_is_among_them()
    {
        var a = AccountRollup.Of(s_view, "acme");
        Assert.Equal(3, a.EngagedContacts);
        Assert.Equal(new[] { "Decision-Maker", "finance", "IT" }.Order(), a.EngagedRoles);
        Assert.True(a.DecisionMakerEngaged);
        Assert.False(a.ContactList.Single(c => c.CustomerId == "user-quiet").EngagedLast30Days);
    }

    [Fact]
    public void An_account_with_no_contact_in_the_snapshot_is_not_found()
    {
        var e = Assert.Throws<NotFoundException>(() => AccountRollup.Of(s_view, "initech"));
        Assert.Equal("account", e.Subject);
    }
}
