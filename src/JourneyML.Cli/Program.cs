using JourneyML.Cli;

return await CliRoot.RunAsync(CliRoot.Create(), args);
