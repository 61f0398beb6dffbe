using BenchmarkDotNet.Running;

// Micro-benchmarks of the hot paths. Run: dotnet run -c Release --project tests/JourneyML.Benchmarks -- --filter '*'
// End-to-end figures come from 'journeyml-tools bench'; both go into RESULTS.md with the machine.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point type, named for BenchmarkSwitcher.</summary>
public partial class Program;
