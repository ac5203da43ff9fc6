// Validates Kubernetes manifests (a JSON array in the file named by the first argument) with the
// kubernetes-models package; prints a JSON array of messages, one per invalid or unknown manifest.
import { readFileSync } from "node:fs";

const manifests = JSON.parse(readFileSync(process.argv[2], "utf8"));
const errors = [];
for (const manifest of manifests) {
  const where = `${manifest.kind}/${manifest.metadata?.name}`;
  const [group, version] = manifest.apiVersion.includes("/")
    ? manifest.apiVersion.split("/")
    : ["", manifest.apiVersion];
  let model;
  try {
    model = await import(`kubernetes-models/${group ? `${group}/${version}` : version}/${manifest.kind}`);
  } catch (e) {
    errors.push(`${where}: no model for ${manifest.apiVersion} ${manifest.kind}`);
    continue;
  }
  try {
    new model[manifest.kind](manifest).validate();
  } catch (e) {
    errors.push(`${where}: ${e.message}`);
  }
}
console.log(JSON.stringify(errors));
