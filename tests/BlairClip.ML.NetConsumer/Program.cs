// Scores every (user, item) pair of a model zip with plain ML.NET:
//   BlairClip.ML.NetConsumer <model.zip> <users.txt> <items.txt> <scores.f32>
// users.txt / items.txt: one id per line; scores.f32: float32 little-endian, [users, items] row-major.
// Nothing here calls BlairClip.ML: ML.NET finds the zip's CustomMapping factory in the referenced assembly by itself.
using Microsoft.ML;

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: BlairClip.ML.NetConsumer <model.zip> <users.txt> <items.txt> <scores.f32>");
    return 2;
}
var users = File.ReadAllLines(args[1]);
var items = File.ReadAllLines(args[2]);

// README: serving a model zip
var mlContext = new MLContext();
ITransformer model = mlContext.Model.Load(args[0], out DataViewSchema inputSchema);
var engine = mlContext.Model.CreatePredictionEngine<UserItem, UserItemScore>(model, inputSchema);
float score = engine.Predict(new UserItem { UserId = users[0], ItemId = items[0] }).Score;
// README end

using var output = new BinaryWriter(File.Create(args[3]));
foreach (var user in users)
    foreach (var item in items)
        output.Write(user == users[0] && item == items[0] ? score : engine.Predict(new UserItem { UserId = user, ItemId = item }).Score);
return 0;

// README: serving types
/// <summary>The zip's input columns (text ids).</summary>
public sealed class UserItem
{
    public string UserId { get; set; } = "";
    public string ItemId { get; set; } = "";
}

/// <summary>The zip's output column: the recommender's score (NaN for a user or item the model does not know).</summary>
public sealed class UserItemScore
{
    public float Score { get; set; }
}
// README end
