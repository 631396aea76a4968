# Shared by the sweep tests (sourced after cli_lib.sh): the tiny study they run.
# write_study FILE STEPS "SEEDS": few-shot SGD of the value row, 1000 prompts a step, the two optimizers
# as an axis and the seeds given (e.g. "1, 2, 3"); about 0.2 s a point.
write_study() {
  cat >"$1" <<TOML
command = "train"
[fixed]
trainer = "sgd"
loss = "zs+fs"
update = "v"
batch = 1000
steps = $2
[axes]
seed = [$3]
optimizer = ["sgd", "adam"]
TOML
}
