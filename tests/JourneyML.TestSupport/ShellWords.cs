using System.Text;

namespace JourneyML.TestSupport;

/// <summary>Splits a command line into words as a shell does for the simple lines in the docs: single and double quotes group, quotes removed.</summary>
public static class ShellWords
{
    public static string[] Split(string commandLine)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        bool inWord = false;
        foreach (char c in commandLine)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return [.. words];
    }
}
