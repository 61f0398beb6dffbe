using JourneyML.Core.Journeys;

namespace JourneyML.Core.Tests.Journeys;

public sealed class JourneyMapFolderTests
{
    [Fact]
    public void Maps_live_under_the_registry_for_everyone_a_segment_or_an_account()
    {
        var root = Path.Combine(Path.GetTempPath(), "models");
        Assert.Equal(Path.Combine(root, "journeys", "all"), JourneyMapFolders.For(root));
        Assert.Equal(Path.Combine(root, "journeys", "segment-3"), JourneyMapFolders.For(root, segment: 3));
        Assert.Equal(Path.Combine(root, "journeys", "account-acme-1"), JourneyMapFolders.For(root, account: "acme-1"));
        Assert.Equal(Path.Combine(root, "journeys", "account-acme-1"), JourneyMapFolders.For(root, segment: 3, account: "acme-1"));
    }

    [Fact]
    public void An_account_id_from_the_data_never_leaves_the_journeys_folder()
    {
        var root = Path.Combine(Path.GetTempPath(), "models");
        var folder = JourneyMapFolders.For(root, account: "../../etc/x y");
        Assert.Equal(Path.Combine(root, "journeys"), Path.GetDirectoryName(folder));
        Assert.Equal("account-______etc_x_y", Path.GetFileName(folder));
    }
}
