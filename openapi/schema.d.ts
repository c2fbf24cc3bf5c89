// Generated from openapi/openapi.json by openapi-typescript (npm run openapi). Do not edit.
export interface paths {
    "/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Submit a gradient job
         * @description The body is a job as JSON, or as a safetensors file (application/vnd.safetensors) whose metadata "job" holds the JSON job with {"$tensor": name} in place of each tensor. Prefer: wait=N (N <= 60) holds the request until the job ends or N seconds pass.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The same key with the same body returns the same job; with another body, 422 */
                    "idempotency-key"?: string;
                    /** @description wait=N: answer when the job ends, or after N seconds */
                    prefer?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Model id (GET /v1/models lists them) */
                        model: string;
                        /** @description The noise at t = T, shape [B, ...data_shape] */
                        x_T: {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /** @description The elements in row-major order; as many as the product of shape, all finite */
                            data: number[];
                        } | {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /**
                             * @description Element type of the bytes in b64
                             * @enum {string}
                             */
                            dtype: "float32";
                            /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                            b64: string;
                        };
                        /** @description The z-schedule, shape [n, B, ...cond_shape]; z_k drives piece k */
                        z: {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /** @description The elements in row-major order; as many as the product of shape, all finite */
                            data: number[];
                        } | {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /**
                             * @description Element type of the bytes in b64
                             * @enum {string}
                             */
                            dtype: "float32";
                            /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                            b64: string;
                        };
                        guidance?: {
                            /** @description w: one number for every step, or a tensor [n] */
                            scale: number | ({
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            });
                            /** @description Unconditional embeddings u_k, shape [n, B, ...cond_shape] */
                            uncond: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        };
                        /** @description A differentiable scalar function of x_0, chosen by "type": one of mse, linear, cosine, sum */
                        loss: {
                            /**
                             * @description Mean squared error: mean of (x_0 - target)² over all elements
                             * @enum {string}
                             */
                            type: "mse";
                            /** @description The target x_0; its shape must equal the shape of x */
                            target: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        } | {
                            /**
                             * @description Linear functional: sum of weights ⊙ x_0
                             * @enum {string}
                             */
                            type: "linear";
                            /** @description The weights, i.e. the gradient of the loss; its shape must equal the shape of x */
                            weights: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        } | {
                            /**
                             * @description 1 - cosine similarity of x_0[b] and target[b] (each flattened), averaged over the batch
                             * @enum {string}
                             */
                            type: "cosine";
                            /** @description The target x_0; its shape must equal the shape of x, whose first axis is the batch */
                            target: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        } | {
                            /**
                             * @description Weighted sum of simple losses
                             * @enum {string}
                             */
                            type: "sum";
                            /** @description 1 to 16 weighted terms */
                            terms: {
                                /** @description Finite factor this term is multiplied by (may be negative) */
                                weight: number;
                                /** @description A loss that is not itself a sum */
                                loss: {
                                    /**
                                     * @description Mean squared error: mean of (x_0 - target)² over all elements
                                     * @enum {string}
                                     */
                                    type: "mse";
                                    /** @description The target x_0; its shape must equal the shape of x */
                                    target: {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /** @description The elements in row-major order; as many as the product of shape, all finite */
                                        data: number[];
                                    } | {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /**
                                         * @description Element type of the bytes in b64
                                         * @enum {string}
                                         */
                                        dtype: "float32";
                                        /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                        b64: string;
                                    };
                                } | {
                                    /**
                                     * @description Linear functional: sum of weights ⊙ x_0
                                     * @enum {string}
                                     */
                                    type: "linear";
                                    /** @description The weights, i.e. the gradient of the loss; its shape must equal the shape of x */
                                    weights: {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /** @description The elements in row-major order; as many as the product of shape, all finite */
                                        data: number[];
                                    } | {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /**
                                         * @description Element type of the bytes in b64
                                         * @enum {string}
                                         */
                                        dtype: "float32";
                                        /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                        b64: string;
                                    };
                                } | {
                                    /**
                                     * @description 1 - cosine similarity of x_0[b] and target[b] (each flattened), averaged over the batch
                                     * @enum {string}
                                     */
                                    type: "cosine";
                                    /** @description The target x_0; its shape must equal the shape of x, whose first axis is the batch */
                                    target: {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /** @description The elements in row-major order; as many as the product of shape, all finite */
                                        data: number[];
                                    } | {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /**
                                         * @description Element type of the bytes in b64
                                         * @enum {string}
                                         */
                                        dtype: "float32";
                                        /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                        b64: string;
                                    };
                                };
                            }[];
                        };
                        solver: {
                            /**
                             * @description One of euler, heun, rk4, ddim, dpmpp_2m
                             * @example ddim
                             */
                            method: string;
                            /** @description n: the number of z pieces; z_k drives piece k */
                            steps: number;
                            /**
                             * @description Solver steps inside each z piece
                             * @default 1
                             */
                            substeps?: number;
                            /** @description T; default: the schedule's largest time (1, or 0.9946 for vp_cosine) */
                            t_start?: number;
                            /** @description Default 1e-3 (1/N for discrete schedules) */
                            t_end?: number;
                            /**
                             * @description How the n + 1 piece boundaries are placed
                             * @default uniform_t
                             */
                            grid?: "uniform_t" | "uniform_lambda" | "explicit";
                            /** @description For grid "explicit": n + 1 strictly decreasing times */
                            times?: number[];
                        };
                        schedule?: {
                            /** @enum {string} */
                            type: "vp_linear";
                            /** @default 0.1 */
                            beta_min: number;
                            /** @default 20 */
                            beta_max: number;
                        } | {
                            /** @enum {string} */
                            type: "vp_cosine";
                            /** @default 0.008 */
                            s: number;
                        } | {
                            /** @enum {string} */
                            type: "discrete";
                            /** @default linear */
                            betas: "linear" | "scaled_linear";
                            /** @default 0.0001 */
                            beta_start: number;
                            /** @default 0.02 */
                            beta_end: number;
                            /** @default 1000 */
                            num_train_timesteps: number;
                        };
                        gradient?: {
                            /**
                             * @description One of discrete, adjoint, adjoint_backsolve, adjoint_deis
                             * @default discrete
                             */
                            method?: string;
                            /** @description What to differentiate with respect to; default x_T and z (and guidance_scale and uncond when guided). theta is the expensive one. */
                            wrt?: ("x_T" | "z" | "theta" | "guidance_scale" | "uncond")[];
                            /**
                             * @description Adjoint substeps per solver step (continuous adjoint methods)
                             * @default 1
                             */
                            adjoint_substeps?: number;
                            /** @description Runge-Kutta method of the continuous adjoint; default: euler for euler/ddim, heun for heun/dpmpp_2m, rk4 for rk4 */
                            adjoint_solver?: "euler" | "heun" | "rk4";
                            /**
                             * @description Order of adjoint_deis (2: multistep)
                             * @default 2
                             */
                            order?: 1 | 2;
                            /** @description Cap on the tape of a one-pass discrete gradient; 0 forces per-step checkpoints */
                            memory_budget_mb?: number;
                            diagnostics?: {
                                /**
                                 * @description Compare <grad, v> with central differences of the loss along a random v
                                 * @default false
                                 */
                                fd_probe?: boolean;
                                /**
                                 * @description h of the probe: L(p ± h v), v ~ N(0, I)
                                 * @default 0.001
                                 */
                                fd_step?: number;
                                /**
                                 * @description Seed of the probe direction
                                 * @default 0
                                 */
                                seed?: number;
                                /**
                                 * @description For adjoint methods: relative L2 difference to the exact discrete gradient
                                 * @default false
                                 */
                                compare_discrete?: boolean;
                            };
                        };
                        /** @description POSTs a signed JSON event (Standard Webhooks headers) when the job ends, retried with backoff */
                        webhook?: {
                            /**
                             * @description http or https, no user:password; loopback, link-local and private addresses are refused unless the operator allows them
                             * @example https://example.com/hooks/diffgrad
                             */
                            url: string;
                            /**
                             * @description Events to deliver; progress (at most one a second, best-effort) only when listed
                             * @default [
                             *       "completed",
                             *       "failed",
                             *       "canceled"
                             *     ]
                             */
                            events?: ("completed" | "failed" | "canceled" | "progress")[];
                            /** @description Signs the deliveries (never shown again); default: the API key's webhook secret, else the service's */
                            secret?: string;
                        };
                    };
                    "application/vnd.safetensors": {
                        /** @description Model id (GET /v1/models lists them) */
                        model: string;
                        /** @description The noise at t = T, shape [B, ...data_shape] */
                        x_T: {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /** @description The elements in row-major order; as many as the product of shape, all finite */
                            data: number[];
                        } | {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /**
                             * @description Element type of the bytes in b64
                             * @enum {string}
                             */
                            dtype: "float32";
                            /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                            b64: string;
                        };
                        /** @description The z-schedule, shape [n, B, ...cond_shape]; z_k drives piece k */
                        z: {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /** @description The elements in row-major order; as many as the product of shape, all finite */
                            data: number[];
                        } | {
                            /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                            shape: number[];
                            /**
                             * @description Element type of the bytes in b64
                             * @enum {string}
                             */
                            dtype: "float32";
                            /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                            b64: string;
                        };
                        guidance?: {
                            /** @description w: one number for every step, or a tensor [n] */
                            scale: number | ({
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            });
                            /** @description Unconditional embeddings u_k, shape [n, B, ...cond_shape] */
                            uncond: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        };
                        /** @description A differentiable scalar function of x_0, chosen by "type": one of mse, linear, cosine, sum */
                        loss: {
                            /**
                             * @description Mean squared error: mean of (x_0 - target)² over all elements
                             * @enum {string}
                             */
                            type: "mse";
                            /** @description The target x_0; its shape must equal the shape of x */
                            target: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        } | {
                            /**
                             * @description Linear functional: sum of weights ⊙ x_0
                             * @enum {string}
                             */
                            type: "linear";
                            /** @description The weights, i.e. the gradient of the loss; its shape must equal the shape of x */
                            weights: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        } | {
                            /**
                             * @description 1 - cosine similarity of x_0[b] and target[b] (each flattened), averaged over the batch
                             * @enum {string}
                             */
                            type: "cosine";
                            /** @description The target x_0; its shape must equal the shape of x, whose first axis is the batch */
                            target: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                        } | {
                            /**
                             * @description Weighted sum of simple losses
                             * @enum {string}
                             */
                            type: "sum";
                            /** @description 1 to 16 weighted terms */
                            terms: {
                                /** @description Finite factor this term is multiplied by (may be negative) */
                                weight: number;
                                /** @description A loss that is not itself a sum */
                                loss: {
                                    /**
                                     * @description Mean squared error: mean of (x_0 - target)² over all elements
                                     * @enum {string}
                                     */
                                    type: "mse";
                                    /** @description The target x_0; its shape must equal the shape of x */
                                    target: {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /** @description The elements in row-major order; as many as the product of shape, all finite */
                                        data: number[];
                                    } | {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /**
                                         * @description Element type of the bytes in b64
                                         * @enum {string}
                                         */
                                        dtype: "float32";
                                        /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                        b64: string;
                                    };
                                } | {
                                    /**
                                     * @description Linear functional: sum of weights ⊙ x_0
                                     * @enum {string}
                                     */
                                    type: "linear";
                                    /** @description The weights, i.e. the gradient of the loss; its shape must equal the shape of x */
                                    weights: {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /** @description The elements in row-major order; as many as the product of shape, all finite */
                                        data: number[];
                                    } | {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /**
                                         * @description Element type of the bytes in b64
                                         * @enum {string}
                                         */
                                        dtype: "float32";
                                        /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                        b64: string;
                                    };
                                } | {
                                    /**
                                     * @description 1 - cosine similarity of x_0[b] and target[b] (each flattened), averaged over the batch
                                     * @enum {string}
                                     */
                                    type: "cosine";
                                    /** @description The target x_0; its shape must equal the shape of x, whose first axis is the batch */
                                    target: {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /** @description The elements in row-major order; as many as the product of shape, all finite */
                                        data: number[];
                                    } | {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /**
                                         * @description Element type of the bytes in b64
                                         * @enum {string}
                                         */
                                        dtype: "float32";
                                        /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                        b64: string;
                                    };
                                };
                            }[];
                        };
                        solver: {
                            /**
                             * @description One of euler, heun, rk4, ddim, dpmpp_2m
                             * @example ddim
                             */
                            method: string;
                            /** @description n: the number of z pieces; z_k drives piece k */
                            steps: number;
                            /**
                             * @description Solver steps inside each z piece
                             * @default 1
                             */
                            substeps?: number;
                            /** @description T; default: the schedule's largest time (1, or 0.9946 for vp_cosine) */
                            t_start?: number;
                            /** @description Default 1e-3 (1/N for discrete schedules) */
                            t_end?: number;
                            /**
                             * @description How the n + 1 piece boundaries are placed
                             * @default uniform_t
                             */
                            grid?: "uniform_t" | "uniform_lambda" | "explicit";
                            /** @description For grid "explicit": n + 1 strictly decreasing times */
                            times?: number[];
                        };
                        schedule?: {
                            /** @enum {string} */
                            type: "vp_linear";
                            /** @default 0.1 */
                            beta_min: number;
                            /** @default 20 */
                            beta_max: number;
                        } | {
                            /** @enum {string} */
                            type: "vp_cosine";
                            /** @default 0.008 */
                            s: number;
                        } | {
                            /** @enum {string} */
                            type: "discrete";
                            /** @default linear */
                            betas: "linear" | "scaled_linear";
                            /** @default 0.0001 */
                            beta_start: number;
                            /** @default 0.02 */
                            beta_end: number;
                            /** @default 1000 */
                            num_train_timesteps: number;
                        };
                        gradient?: {
                            /**
                             * @description One of discrete, adjoint, adjoint_backsolve, adjoint_deis
                             * @default discrete
                             */
                            method?: string;
                            /** @description What to differentiate with respect to; default x_T and z (and guidance_scale and uncond when guided). theta is the expensive one. */
                            wrt?: ("x_T" | "z" | "theta" | "guidance_scale" | "uncond")[];
                            /**
                             * @description Adjoint substeps per solver step (continuous adjoint methods)
                             * @default 1
                             */
                            adjoint_substeps?: number;
                            /** @description Runge-Kutta method of the continuous adjoint; default: euler for euler/ddim, heun for heun/dpmpp_2m, rk4 for rk4 */
                            adjoint_solver?: "euler" | "heun" | "rk4";
                            /**
                             * @description Order of adjoint_deis (2: multistep)
                             * @default 2
                             */
                            order?: 1 | 2;
                            /** @description Cap on the tape of a one-pass discrete gradient; 0 forces per-step checkpoints */
                            memory_budget_mb?: number;
                            diagnostics?: {
                                /**
                                 * @description Compare <grad, v> with central differences of the loss along a random v
                                 * @default false
                                 */
                                fd_probe?: boolean;
                                /**
                                 * @description h of the probe: L(p ± h v), v ~ N(0, I)
                                 * @default 0.001
                                 */
                                fd_step?: number;
                                /**
                                 * @description Seed of the probe direction
                                 * @default 0
                                 */
                                seed?: number;
                                /**
                                 * @description For adjoint methods: relative L2 difference to the exact discrete gradient
                                 * @default false
                                 */
                                compare_discrete?: boolean;
                            };
                        };
                        /** @description POSTs a signed JSON event (Standard Webhooks headers) when the job ends, retried with backoff */
                        webhook?: {
                            /**
                             * @description http or https, no user:password; loopback, link-local and private addresses are refused unless the operator allows them
                             * @example https://example.com/hooks/diffgrad
                             */
                            url: string;
                            /**
                             * @description Events to deliver; progress (at most one a second, best-effort) only when listed
                             * @default [
                             *       "completed",
                             *       "failed",
                             *       "canceled"
                             *     ]
                             */
                            events?: ("completed" | "failed" | "canceled" | "progress")[];
                            /** @description Signs the deliveries (never shown again); default: the API key's webhook secret, else the service's */
                            secret?: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description The tenant that submitted the job ("public" when the service runs without keys) */
                            tenant: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
                            model: string;
                            progress: components["schemas"]["Progress"] | null;
                            /** Format: date-time */
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            error: components["schemas"]["JobFailure"] | null;
                            summary: components["schemas"]["JobSummary"] | null;
                            /** @description The job's webhook (never its secret) and its deliveries; null when the job asked for none */
                            webhook: {
                                url: string;
                                events: ("completed" | "failed" | "canceled" | "progress")[];
                                /** @description Each delivery attempt so far, oldest first (the latest 100) */
                                deliveries: {
                                    event: "completed" | "failed" | "canceled" | "progress";
                                    /** @description The webhook-id header: the same on every attempt of one delivery */
                                    delivery_id: string;
                                    attempt: number;
                                    /** @description delivered: the receiver answered 2xx; retrying: another attempt follows; failed: the last attempt failed, or the receiver answered 410 Gone; refused: the target resolved to an address webhooks may not reach */
                                    outcome: "delivered" | "retrying" | "failed" | "refused";
                                    /** @description The receiver's answer, when there was one */
                                    http_status?: number;
                                    /** @description What went wrong: no answer in time, a connection error, a refused address */
                                    error?: string;
                                    /**
                                     * Format: date-time
                                     * @description When the attempt started
                                     */
                                    at: string;
                                    duration_ms: number;
                                }[];
                            } | null;
                            urls: {
                                self: string;
                                result: string;
                                events: string;
                                cancel: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description The tenant that submitted the job ("public" when the service runs without keys) */
                            tenant: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
                            model: string;
                            progress: components["schemas"]["Progress"] | null;
                            /** Format: date-time */
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            error: components["schemas"]["JobFailure"] | null;
                            summary: components["schemas"]["JobSummary"] | null;
                            /** @description The job's webhook (never its secret) and its deliveries; null when the job asked for none */
                            webhook: {
                                url: string;
                                events: ("completed" | "failed" | "canceled" | "progress")[];
                                /** @description Each delivery attempt so far, oldest first (the latest 100) */
                                deliveries: {
                                    event: "completed" | "failed" | "canceled" | "progress";
                                    /** @description The webhook-id header: the same on every attempt of one delivery */
                                    delivery_id: string;
                                    attempt: number;
                                    /** @description delivered: the receiver answered 2xx; retrying: another attempt follows; failed: the last attempt failed, or the receiver answered 410 Gone; refused: the target resolved to an address webhooks may not reach */
                                    outcome: "delivered" | "retrying" | "failed" | "refused";
                                    /** @description The receiver's answer, when there was one */
                                    http_status?: number;
                                    /** @description What went wrong: no answer in time, a connection error, a refused address */
                                    error?: string;
                                    /**
                                     * Format: date-time
                                     * @description When the attempt started
                                     */
                                    at: string;
                                    duration_ms: number;
                                }[];
                            } | null;
                            urls: {
                                self: string;
                                result: string;
                                events: string;
                                cancel: string;
                            };
                        };
                    };
                };
                /** @description Malformed request (e.g. a body that is not JSON) */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The body is larger than the limit */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Neither application/json nor application/vnd.safetensors */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The job is invalid: the problem names the field and the reason */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job: status, progress, timestamps, failure */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description The tenant that submitted the job ("public" when the service runs without keys) */
                            tenant: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
                            model: string;
                            progress: components["schemas"]["Progress"] | null;
                            /** Format: date-time */
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            error: components["schemas"]["JobFailure"] | null;
                            summary: components["schemas"]["JobSummary"] | null;
                            /** @description The job's webhook (never its secret) and its deliveries; null when the job asked for none */
                            webhook: {
                                url: string;
                                events: ("completed" | "failed" | "canceled" | "progress")[];
                                /** @description Each delivery attempt so far, oldest first (the latest 100) */
                                deliveries: {
                                    event: "completed" | "failed" | "canceled" | "progress";
                                    /** @description The webhook-id header: the same on every attempt of one delivery */
                                    delivery_id: string;
                                    attempt: number;
                                    /** @description delivered: the receiver answered 2xx; retrying: another attempt follows; failed: the last attempt failed, or the receiver answered 410 Gone; refused: the target resolved to an address webhooks may not reach */
                                    outcome: "delivered" | "retrying" | "failed" | "refused";
                                    /** @description The receiver's answer, when there was one */
                                    http_status?: number;
                                    /** @description What went wrong: no answer in time, a connection error, a refused address */
                                    error?: string;
                                    /**
                                     * Format: date-time
                                     * @description When the attempt started
                                     */
                                    at: string;
                                    duration_ms: number;
                                }[];
                            } | null;
                            urls: {
                                self: string;
                                result: string;
                                events: string;
                                cancel: string;
                            };
                        };
                    };
                };
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such job (or it expired) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Cancel a job: a queued job is removed, a running one stops at its next solver step */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description The tenant that submitted the job ("public" when the service runs without keys) */
                            tenant: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
                            model: string;
                            progress: components["schemas"]["Progress"] | null;
                            /** Format: date-time */
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            error: components["schemas"]["JobFailure"] | null;
                            summary: components["schemas"]["JobSummary"] | null;
                            /** @description The job's webhook (never its secret) and its deliveries; null when the job asked for none */
                            webhook: {
                                url: string;
                                events: ("completed" | "failed" | "canceled" | "progress")[];
                                /** @description Each delivery attempt so far, oldest first (the latest 100) */
                                deliveries: {
                                    event: "completed" | "failed" | "canceled" | "progress";
                                    /** @description The webhook-id header: the same on every attempt of one delivery */
                                    delivery_id: string;
                                    attempt: number;
                                    /** @description delivered: the receiver answered 2xx; retrying: another attempt follows; failed: the last attempt failed, or the receiver answered 410 Gone; refused: the target resolved to an address webhooks may not reach */
                                    outcome: "delivered" | "retrying" | "failed" | "refused";
                                    /** @description The receiver's answer, when there was one */
                                    http_status?: number;
                                    /** @description What went wrong: no answer in time, a connection error, a refused address */
                                    error?: string;
                                    /**
                                     * Format: date-time
                                     * @description When the attempt started
                                     */
                                    at: string;
                                    duration_ms: number;
                                }[];
                            } | null;
                            urls: {
                                self: string;
                                result: string;
                                events: string;
                                cancel: string;
                            };
                        };
                    };
                };
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such job (or it expired) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a job (same as DELETE) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @description The tenant that submitted the job ("public" when the service runs without keys) */
                            tenant: string;
                            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
                            model: string;
                            progress: components["schemas"]["Progress"] | null;
                            /** Format: date-time */
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            error: components["schemas"]["JobFailure"] | null;
                            summary: components["schemas"]["JobSummary"] | null;
                            /** @description The job's webhook (never its secret) and its deliveries; null when the job asked for none */
                            webhook: {
                                url: string;
                                events: ("completed" | "failed" | "canceled" | "progress")[];
                                /** @description Each delivery attempt so far, oldest first (the latest 100) */
                                deliveries: {
                                    event: "completed" | "failed" | "canceled" | "progress";
                                    /** @description The webhook-id header: the same on every attempt of one delivery */
                                    delivery_id: string;
                                    attempt: number;
                                    /** @description delivered: the receiver answered 2xx; retrying: another attempt follows; failed: the last attempt failed, or the receiver answered 410 Gone; refused: the target resolved to an address webhooks may not reach */
                                    outcome: "delivered" | "retrying" | "failed" | "refused";
                                    /** @description The receiver's answer, when there was one */
                                    http_status?: number;
                                    /** @description What went wrong: no answer in time, a connection error, a refused address */
                                    error?: string;
                                    /**
                                     * Format: date-time
                                     * @description When the attempt started
                                     */
                                    at: string;
                                    duration_ms: number;
                                }[];
                            } | null;
                            urls: {
                                self: string;
                                result: string;
                                events: string;
                                cancel: string;
                            };
                        };
                    };
                };
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such job (or it expired) */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The result: JSON (tensors base64, or arrays with ?encoding=array), or a safetensors file with Accept: application/vnd.safetensors */
        get: {
            parameters: {
                query?: {
                    encoding?: "b64" | "array";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The result */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            loss: number;
                            /** @description A float32 tensor */
                            x0: {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /** @description The elements in row-major order; as many as the product of shape, all finite */
                                data: number[];
                            } | {
                                /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                shape: number[];
                                /**
                                 * @description Element type of the bytes in b64
                                 * @enum {string}
                                 */
                                dtype: "float32";
                                /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                b64: string;
                            };
                            grad: {
                                /** @description dL/dx_T, [B, ...data_shape] */
                                x_T?: {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /** @description The elements in row-major order; as many as the product of shape, all finite */
                                    data: number[];
                                } | {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /**
                                     * @description Element type of the bytes in b64
                                     * @enum {string}
                                     */
                                    dtype: "float32";
                                    /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                    b64: string;
                                };
                                /** @description dL/dz_k for every step, [n, B, ...cond_shape] */
                                z?: {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /** @description The elements in row-major order; as many as the product of shape, all finite */
                                    data: number[];
                                } | {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /**
                                     * @description Element type of the bytes in b64
                                     * @enum {string}
                                     */
                                    dtype: "float32";
                                    /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                    b64: string;
                                };
                                /** @description dL/dtheta by weight name (as in model.json) */
                                theta?: {
                                    [key: string]: {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /** @description The elements in row-major order; as many as the product of shape, all finite */
                                        data: number[];
                                    } | {
                                        /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                        shape: number[];
                                        /**
                                         * @description Element type of the bytes in b64
                                         * @enum {string}
                                         */
                                        dtype: "float32";
                                        /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                        b64: string;
                                    };
                                };
                                /** @description dL/dw_k, [n] */
                                guidance_scale?: {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /** @description The elements in row-major order; as many as the product of shape, all finite */
                                    data: number[];
                                } | {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /**
                                     * @description Element type of the bytes in b64
                                     * @enum {string}
                                     */
                                    dtype: "float32";
                                    /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                    b64: string;
                                };
                                /** @description dL/du_k, [n, B, ...cond_shape] */
                                uncond?: {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /** @description The elements in row-major order; as many as the product of shape, all finite */
                                    data: number[];
                                } | {
                                    /** @description Dimensions, outermost first (row-major); each an integer >= 1, at most 8 of them */
                                    shape: number[];
                                    /**
                                     * @description Element type of the bytes in b64
                                     * @enum {string}
                                     */
                                    dtype: "float32";
                                    /** @description Standard base64 (with padding) of 4 × elements bytes: little-endian float32, row-major */
                                    b64: string;
                                };
                            };
                            diagnostics: {
                                [key: string]: unknown;
                            };
                            stats: {
                                [key: string]: unknown;
                            };
                        };
                        "application/vnd.safetensors": string;
                    };
                };
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such job, or its result expired */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The job has not succeeded (yet) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server-Sent Events: progress, then the final state */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The installed models */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            models: components["schemas"]["Model"][];
                        };
                    };
                };
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One model: manifest, weight names and shapes */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            description?: string;
                            data_shape: number[];
                            cond_shape: number[];
                            prediction: string;
                            schedule: {
                                [key: string]: unknown;
                            };
                            time_scale: number;
                            parameter_count: number;
                            /** @description The weights, by the names theta-gradients are returned under */
                            weights: {
                                name: string;
                                shape: number[];
                            }[];
                        };
                    };
                };
                /** @description No API key, or not a valid one (WWW-Authenticate tells the scheme) */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The API key lacks the scope, or the job asks for what the key may not */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description No such model */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Rate limit or the tenant's cap on jobs in flight reached; Retry-After says when to retry */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Overloaded, or the queue is unreachable; Retry-After says when to retry */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API process is alive */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Redis answers and a worker heartbeat was seen */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                            queue: boolean;
                            workers: number;
                            mode: string;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                            queue: boolean;
                            workers: number;
                            mode: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description An RFC 9457 problem (application/problem+json) */
        Problem: {
            /** @description A URI naming the kind of problem */
            type: string;
            title: string;
            status: number;
            /** @description What went wrong, for a person */
            detail: string;
            /** @description Machine-readable error code, e.g. INVALID_JOB, SHAPE_MISMATCH, UNKNOWN_MODEL */
            code: string;
            /** @description JSON path of the offending field, e.g. z.shape */
            field?: string;
            instance?: string;
        };
        Progress: {
            phase: "forward" | "backward";
            step: number;
            steps: number;
        };
        JobFailure: {
            /** @description e.g. INVALID_JOB, NUMERICAL_BLOWUP, CANCELED, INTERNAL */
            code: string;
            message: string;
            field?: string;
            /** @description NUMERICAL_BLOWUP: the solver step where NaN or Inf appeared */
            step?: number;
            phase?: string;
        };
        JobSummary: {
            loss: number;
            stats: {
                [key: string]: unknown;
            };
            diagnostics: {
                [key: string]: unknown;
            };
        };
        JobRecord: {
            id: string;
            /** @description The tenant that submitted the job ("public" when the service runs without keys) */
            tenant: string;
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            model: string;
            progress: components["schemas"]["Progress"] | null;
            /** Format: date-time */
            createdAt: string;
            startedAt: string | null;
            finishedAt: string | null;
            error: components["schemas"]["JobFailure"] | null;
            summary: components["schemas"]["JobSummary"] | null;
            /** @description The job's webhook (never its secret) and its deliveries; null when the job asked for none */
            webhook: {
                url: string;
                events: ("completed" | "failed" | "canceled" | "progress")[];
                /** @description Each delivery attempt so far, oldest first (the latest 100) */
                deliveries: {
                    event: "completed" | "failed" | "canceled" | "progress";
                    /** @description The webhook-id header: the same on every attempt of one delivery */
                    delivery_id: string;
                    attempt: number;
                    /** @description delivered: the receiver answered 2xx; retrying: another attempt follows; failed: the last attempt failed, or the receiver answered 410 Gone; refused: the target resolved to an address webhooks may not reach */
                    outcome: "delivered" | "retrying" | "failed" | "refused";
                    /** @description The receiver's answer, when there was one */
                    http_status?: number;
                    /** @description What went wrong: no answer in time, a connection error, a refused address */
                    error?: string;
                    /**
                     * Format: date-time
                     * @description When the attempt started
                     */
                    at: string;
                    duration_ms: number;
                }[];
            } | null;
            urls: {
                self: string;
                result: string;
                events: string;
                cancel: string;
            };
        };
        Model: {
            id: string;
            description?: string;
            data_shape: number[];
            cond_shape: number[];
            prediction: string;
            schedule: {
                [key: string]: unknown;
            };
            time_scale: number;
            parameter_count: number;
            /** @description The weights, by the names theta-gradients are returned under */
            weights: {
                name: string;
                shape: number[];
            }[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
