using JourneyML.Cli;

var parse = CliRoot.Create().Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine(error.Message);
    }
    Console.Error.WriteLine("Run 'journeyml --help' for the commands and options.");
    return ExitCodes.InvalidArguments;
}
return await parse.InvokeAsync();
