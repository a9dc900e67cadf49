using BlairClip.ML.Core;
using FluentAssertions;

namespace BlairClip.ML.Tests.Core;

public class LockstepTeamTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Run_EveryMemberRunsEachStepOnce_AndRunReturnsAfterAll(int size)
    {
        using var team = new LockstepTeam(size, "test");
        var counts = new int[size];
        for (int step = 0; step < 2000; step++)
        {
            team.Run(m => Interlocked.Increment(ref counts[m]));
            // Every member finished this step before Run returned.
            counts.Should().OnlyContain(c => c == step + 1);
        }
    }

    [Fact]
    public void Run_AStepThatThrows_IsRethrown_AndTheTeamStillWorks()
    {
        using var team = new LockstepTeam(3, "test");
        FluentActions.Invoking(() => team.Run(m => { if (m == 2) throw new InvalidOperationException("member 2 failed"); }))
            .Should().Throw<AggregateException>().WithInnerException<InvalidOperationException>().WithMessage("member 2 failed");
        int ran = 0;
        team.Run(_ => Interlocked.Increment(ref ran));
        ran.Should().Be(3);
    }

    [Fact]
    public void Dispose_StopsTheMembers_AndRunAfterwardsIsRefused()
    {
        var team = new LockstepTeam(2, "test");
        team.Run(_ => { });
        team.Dispose();
        FluentActions.Invoking(() => team.Run(_ => { })).Should().Throw<ObjectDisposedException>();
    }
}
