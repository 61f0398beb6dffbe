using System.Text.Json;

namespace JourneyML.Core.Registry;

/// <summary>
/// Promotion and rollback by hand (the CLI's <c>models promote|rollback</c>, the API's promote and rollback): the version
/// that is to serve has every file checked against its manifest and is loaded completely first, and the champion pointer moves only when it loads. A version that cannot
/// load is refused with the reason and the champion stays as it was, so no service is ever pointed at a broken model.
/// </summary>
public sealed partial class ModelRegistry
{
    /// <summary>Makes a version the champion once its models load (and pass <paramref name="check"/>, for example a host's warm-up).</summary>
    /// <exception cref="NotFoundException">No complete version of that name.</exception>
    /// <exception cref="ModelLoadException">The version's models do not load; nothing changed.</exception>
    public ChampionPointer PromoteLoadable(string version, string reason, DateTime now, Action<LoadedModels>? check = null)
    {
        LoadOrRefuse(version, check);
        return Promote(version, reason, now);
    }

    /// <summary>Brings back the previous champion once its models load (and pass <paramref name="check"/>).</summary>
    /// <exception cref="ConflictException">Nothing to roll back to.</exception>
    /// <exception cref="ModelLoadException">The previous champion's models do not load; nothing changed.</exception>
    public ChampionPointer RollbackLoadable(DateTime now, Action<LoadedModels>? check = null)
    {
        var (current, previous) = RollbackTarget();
        LoadOrRefuse(previous.Version, check);
        // Only from the champion that was checked: a promotion in between wins, and this rollback is refused.
        return Rollback(now, expectedChampion: current.Version);
    }

    private void LoadOrRefuse(string version, Action<LoadedModels>? check)
    {
        if (Find(version) is null)
        {
            throw NotFound(version);
        }
        VerifyFiles(version);
        try
        {
            var models = Load(version);
            check?.Invoke(models);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or FormatException or JsonException
            or UnauthorizedAccessException)
        {
            throw new ModelLoadException(version, e.Message, e);
        }
    }
}
