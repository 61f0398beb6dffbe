namespace JourneyML.Cli;

/// <summary>What the process exit code means, for scheduled jobs that branch on it (which failure gets which: <see cref="CommandRunner.Describe"/>).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>
    /// An unexpected failure (the log has the details), or a step that cannot run now: no champion or snapshot yet, nothing to
    /// roll back to, a model version that does not load.
    /// </summary>
    public const int Failure = 1;
    /// <summary>The command line itself is wrong (unknown option, bad value), or names something that is not there (a version, a segment, an account).</summary>
    public const int InvalidArguments = 2;
    /// <summary>The input data failed validation, or a file is missing, empty or of the wrong type. Nothing was written.</summary>
    public const int InvalidData = 3;
    /// <summary>
    /// A file could not be written or read for a reason outside JourneyML: the disk is full, the folder is read-only or not
    /// a folder, no permission. What was being written was left out whole (an earlier version, pointer or snapshot stays).
    /// </summary>
    public const int StorageFailure = 4;

    /// <summary>
    /// train or retrain finished, but a model fails the promotion floor (its holdout ROC AUC's 95% lower bound is at or below
    /// 0.5, or it is no better than its best single feature): it is not served (or served only because of --force). The
    /// rest of the run stands: the version is written, the summary and report say which model and why.
    /// </summary>
    public const int BelowFloor = 5;
    public const int Cancelled = 130;
}
