// Drives POST /v1/embeddings with the official openai npm SDK, as a user's program would.
// Usage: node embeddings.cjs <baseURL> <apiKey> <prefix of node_modules> <model>
// Prints one JSON object: the vectors it got and the error statuses it saw.
const path = require('path');
const [baseURL, apiKey, prefix, model] = process.argv.slice(2);
const { OpenAI } = require(path.join(prefix, 'node_modules', 'openai'));

async function status(promise) {
  try {
    await promise;
    return 200;
  } catch (e) {
    return e.status ?? String(e);
  }
}

(async () => {
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
  // The SDK asks for base64 unless told otherwise, and decodes it.
  const one = await client.embeddings.create({ model, input: 'How are Kafka partitions replicated?' });
  const many = await client.embeddings.create({
    model,
    input: ['Qdrant stores vectors.', 'Kafka stores records in partitions.'],
  });
  const floats = await client.embeddings.create({
    model,
    input: 'Qdrant stores vectors.',
    encoding_format: 'float',
  });
  const stranger = new OpenAI({ baseURL, apiKey: 'not-a-key', maxRetries: 0 });
  console.log(
    JSON.stringify({
      one: one.data.map((d) => Array.from(d.embedding)),
      oneModel: one.model,
      oneTokens: one.usage.prompt_tokens,
      many: many.data.map((d) => ({ index: d.index, embedding: Array.from(d.embedding) })),
      floats: floats.data.map((d) => Array.from(d.embedding)),
      wrongModel: await status(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })),
      wrongDimensions: await status(client.embeddings.create({ model, input: 'x', dimensions: 64 })),
      noKey: await status(stranger.embeddings.create({ model, input: 'x' })),
    }),
  );
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
