using System.Text;

namespace JourneyML.Core.Data;

/// <summary>What a passed-through column holds, so an import layout (HubSpot, Salesforce) can put it where the target tool expects it.</summary>
public enum IdentityRole
{
    /// <summary>A column the mapping names whose name says nothing known: exported under its own name.</summary>
    Other,
    Email,
    FirstName,
    LastName,
    /// <summary>One column with the whole name (氏名, "Name"): never split, since the order of given and family name differs by language.</summary>
    FullName,
    Company,
    Owner,
    Phone,
}

/// <summary>A customer column copied to every export as the user wrote it (an email, a name, the account owner), never a feature.</summary>
public sealed record PassThroughColumn(string Name, IdentityRole Role);

/// <summary>
/// Which of the customers table's own columns reach the exports: the ones the mapping names in
/// <c>customers.passThrough</c>, or, without that setting, the ones whose name says they identify a person (email, name,
/// company, owner, phone; English and Japanese). They are for people reading the list and the tool importing it: they
/// are never features, and their values never go to logs.
/// </summary>
public static class PassThroughColumns
{
    /// <summary>The columns JourneyML writes in its own export layout: a passed-through column may not take one of these names.</summary>
    public static IReadOnlyList<string> ExportColumnNames { get; } =
        ["rank", "customer_id", "account_id", "status", "segment_id", "segment_name", "stage", "churn_risk", "lead_score", "factors", "change", "change_reason",
            "churn_30d", "churn_60d", "churn_90d", "churn_180d", "median_days_to_churn", "time_to_churn_factors"];

    // Names compared without case, spaces (full-width too), '_', '-', '.', and full-width Latin letters: "E-Mail Address", "email_address" and "EmailAddress" are one name.
    private static readonly Dictionary<string, IdentityRole> s_known = Build(new()
    {
        [IdentityRole.Email] = ["email", "emailaddress", "mail", "mailaddress", "contactemail", "workemail", "メール", "メールアドレス", "eメール", "eメールアドレス", "電子メール"],
        [IdentityRole.FirstName] = ["firstname", "givenname", "forename", "名", "下の名前"],
        [IdentityRole.LastName] = ["lastname", "surname", "familyname", "姓", "苗字", "名字"],
        [IdentityRole.FullName] = ["name", "fullname", "contactname", "customername", "氏名", "名前", "お名前", "顧客名"],
        [IdentityRole.Company] = ["company", "companyname", "accountname", "organization", "organisation", "organizationname", "会社名", "企業名", "会社", "法人名", "取引先名"],
        [IdentityRole.Owner] = ["owner", "contactowner", "accountowner", "leadowner", "customerowner", "ownername", "owneremail", "accountmanager", "csm",
            "担当者", "担当", "営業担当", "担当営業", "担当者名", "所有者"],
        [IdentityRole.Phone] = ["phone", "phonenumber", "telephone", "tel", "mobile", "mobilephone", "電話番号", "電話", "携帯電話", "携帯番号"],
    });

    /// <summary>The role a column's name says it has, or null when the name is not one of the known identifying names.</summary>
    public static IdentityRole? Detect(string columnName) => s_known.TryGetValue(Normalise(columnName), out var role) ? role : null;

    /// <summary>
    /// The passed-through columns of a customers file: <paramref name="named"/> when the mapping lists them (every one must be
    /// in the file), else the detected ones among <paramref name="candidates"/> (the file's columns the mapping does not map).
    /// </summary>
    /// <exception cref="DataFileException">A named column is missing, named twice, or takes the name of an export column.</exception>
    public static IReadOnlyList<PassThroughColumn> Resolve(string file, IReadOnlyList<string> header, IReadOnlyList<string> candidates, IReadOnlyList<string>? named)
    {
        if (named is null)
        {
            return [.. candidates.Where(c => Detect(c) is not null && !IsExportColumn(c)).Select(c => new PassThroughColumn(c, Detect(c)!.Value))];
        }
        var columns = new List<PassThroughColumn>();
        foreach (var name in named)
        {
            var actual = header.FirstOrDefault(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new DataFileException(file, $"customers.passThrough names column '{name}', which is not in the file (columns: {string.Join(", ", header)})", name);
            if (!candidates.Contains(actual, StringComparer.OrdinalIgnoreCase))
            {
                throw new DataFileException(file, $"customers.passThrough names column '{actual}', which the mapping already uses as one of JourneyML's columns", actual);
            }
            if (IsExportColumn(actual))
            {
                throw new DataFileException(file,
                    $"customers.passThrough names column '{actual}', which has the name of a column JourneyML writes ({string.Join(", ", ExportColumnNames)}): rename it in the export", actual);
            }
            if (columns.Any(c => string.Equals(c.Name, actual, StringComparison.OrdinalIgnoreCase)))
            {
                throw new DataFileException(file, $"customers.passThrough names column '{actual}' twice", actual);
            }
            columns.Add(new PassThroughColumn(actual, Detect(actual) ?? IdentityRole.Other));
        }
        return columns;
    }

    private static bool IsExportColumn(string name) => ExportColumnNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    private static string Normalise(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            // Full-width Latin letters and signs (Ｅメール, ＴＥＬ) as their ASCII forms: the globalization-invariant runtime does not normalise them.
            char ch = c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
            if (!char.IsWhiteSpace(ch) && ch is not ('_' or '-' or '.'))
            {
                sb.Append(char.ToLowerInvariant(ch));
            }
        }
        return sb.ToString();
    }

    private static Dictionary<string, IdentityRole> Build(Dictionary<IdentityRole, string[]> names)
    {
        var known = new Dictionary<string, IdentityRole>(StringComparer.Ordinal);
        foreach (var (role, list) in names)
        {
            foreach (var name in list)
            {
                known[Normalise(name)] = role;
            }
        }
        return known;
    }
}
