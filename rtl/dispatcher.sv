// dispatcher.sv: hands the grid's blocks to the core, one block at a time in blockIdx order
// (this configuration has one core that runs one block at a time). Starts block 0 on `launch`,
// the next one after each `core_done`, and reports `done` after the last; a core fault stops it.
module dispatcher (
    input  logic        clk,
    input  logic        rst,
    input  logic        launch,      // one-cycle pulse from gpu_top
    input  logic [31:0] grid_dim,
    input  logic        core_done,
    input  logic        core_fault,
    output logic        core_start,  // one-cycle pulse
    output logic [31:0] block_id,
    output logic        busy,
    output logic        done         // level: the last launch finished without a fault
);
    typedef enum logic [1:0] { D_IDLE, D_ISSUE, D_WAIT } dstate_t;
    dstate_t state;

    assign busy = state != D_IDLE;

    always_ff @(posedge clk) begin
        core_start <= 1'b0;
        if (rst) begin
            state <= D_IDLE;
            done <= 1'b0;
            block_id <= '0;
        end else if (launch) begin
            done <= 1'b0;
            block_id <= '0;
            state <= grid_dim == 32'd0 ? D_IDLE : D_ISSUE;
            if (grid_dim == 32'd0) done <= 1'b1;
        end else begin
            case (state)
                D_ISSUE: begin
                    core_start <= 1'b1;
                    state <= D_WAIT;
                end
                D_WAIT: begin
                    if (core_fault) state <= D_IDLE;
                    else if (core_done) begin
                        if (block_id + 1 >= grid_dim) begin
                            done <= 1'b1;
                            state <= D_IDLE;
                        end else begin
                            block_id <= block_id + 1;
                            state <= D_ISSUE;
                        end
                    end
                end
                default: state <= D_IDLE;
            endcase
        end
    end
endmodule
