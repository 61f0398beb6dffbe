using JourneyML.Cli;
using JourneyML.Tools;

return await CliRoot.RunAsync(ToolsRoot.Create(), args);
