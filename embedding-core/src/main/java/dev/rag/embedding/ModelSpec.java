package dev.rag.embedding;

/**
 * An embedding model shipped with the project.
 *
 * @param id identifier carried with every vector the model makes
 * @param onnxResource class-path resource of the ONNX graph
 * @param tokenizerResource class-path resource of the tokenizer (Hugging Face tokenizer.json)
 * @param pooling how token vectors become a text vector
 * @param queryPrefix put before each query
 * @param passagePrefix put before each passage
 * @param maxTokens longest input, special tokens included; longer inputs are truncated
 * @param dimension length of the vectors
 */
public record ModelSpec(
    String id,
    String onnxResource,
    String tokenizerResource,
    Pooling pooling,
    String queryPrefix,
    String passagePrefix,
    int maxTokens,
    int dimension) {}
