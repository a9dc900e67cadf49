namespace BlairClip.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("blairclip: the CLI is being built; see README.");
        return 2;
    }
}
