package dev.arborist.model.instrument;

/**
 * A place in a decoder layer where an activation enters one or more linear layers. Linears that
 * read the same input (q/k/v; gate/up) share a site, so their statistics are gathered once.
 */
public enum LinearSite {
    /** Normalised hidden state read by q_proj, k_proj, v_proj. (N, d) */
    ATTN_QKV,
    /** Concatenated head outputs read by o_proj. (N, nh*hs) */
    ATTN_OUT,
    /** Normalised hidden state read by gate/up (w1/w3). (N, d) */
    FFN_IN,
    /** SwiGLU activation read by down (w2). (N, f) */
    FFN_OUT
}
