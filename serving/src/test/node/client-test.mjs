// Drives a running Arborist server with the official OpenAI Node client, unchanged.
// Usage: node client-test.mjs <baseURL>   (e.g. http://127.0.0.1:8080/v1)
// Prints one JSON summary line on stdout; exits 1 (with the reason on stderr) if any check fails.
import OpenAI, { APIError } from 'openai';

const baseURL = process.argv[2];
if (!baseURL) {
  console.error('usage: node client-test.mjs <baseURL>');
  process.exit(2);
}
// The server ignores the key, but the client insists on one; no retries so a failure shows at once.
const client = new OpenAI({ baseURL, apiKey: 'unused', maxRetries: 0, timeout: 60_000 });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function main() {
  const models = [];
  for await (const model of client.models.list()) models.push(model.id);
  check(models.length > 0, 'models.list returned no models');
  const model = models[0];

  const completion = await client.completions.create({ model, prompt: 'Pruning removes', max_tokens: 4, ignore_eos: true });
  check(completion.object === 'text_completion', `completion object was ${completion.object}`);
  check(typeof completion.choices[0]?.text === 'string', 'completion has no text');
  check(completion.usage?.completion_tokens === 4, `completion_tokens was ${completion.usage?.completion_tokens}`);

  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Tell me about pruning.' }],
    max_tokens: 6,
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
  });
  let content = '';
  let chunks = 0;
  let usage = null;
  let finishReason = null;
  for await (const chunk of stream) {
    chunks++;
    check(chunk.object === 'chat.completion.chunk', `chunk object was ${chunk.object}`);
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      content += choice.delta?.content ?? '';
      finishReason = choice.finish_reason ?? finishReason;
    }
  }
  check(usage?.completion_tokens === 6, `stream usage was ${JSON.stringify(usage)}`);
  check(finishReason === 'length', `stream finish_reason was ${finishReason}`);

  let unknownModel = null;
  try {
    await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
  } catch (e) {
    check(e instanceof APIError, `unknown model raised ${e?.constructor?.name}, not APIError`);
    unknownModel = { status: e.status, type: e.type, param: e.param, code: e.code };
  }
  check(unknownModel?.status === 404, `unknown model gave ${JSON.stringify(unknownModel)}`);

  return {
    models,
    completion: { text: completion.choices[0].text, completionTokens: completion.usage.completion_tokens },
    stream: { chunks, content, finishReason, completionTokens: usage.completion_tokens, totalTokens: usage.total_tokens },
    unknownModel,
  };
}

main().then(
  (summary) => console.log(JSON.stringify(summary)),
  (e) => {
    console.error(`client-test failed: ${e?.stack ?? e}`);
    process.exit(1);
  },
);
