# The survival peer of `journeyml-tools bench peers`: R's survival package (Debian r-cran-survival), coxph by Rscript;
# coxph with Efron ties (the survival package's default, as in lifelines).
# Usage: Rscript survival-coxph.R <table.csv> <out.csv>
# The table: unit, holdout (0/1), time (days), event (0/1), then the numeric feature columns (JourneyML's vectors).
# Writes one row per holdout row, in table order: S(30), S(60), ..., S(180), and the fit seconds on the first line's comment.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
table <- read.csv(args[1], check.names = FALSE)
features <- setdiff(names(table), c("unit", "holdout", "time", "event"))
train <- table[table$holdout == 0, ]
holdout <- table[table$holdout == 1, ]
# Constant columns on the training rows make coxph's matrix singular: left out, as any analyst would.
features <- features[sapply(features, function(f) length(unique(train[[f]])) > 1)]
x_train <- as.matrix(train[, features, drop = FALSE])
x_holdout <- as.matrix(holdout[, features, drop = FALSE])
start <- proc.time()[["elapsed"]]
fit <- coxph(Surv(train$time, train$event) ~ x_train, ties = "efron", x = FALSE, model = FALSE)
fit_seconds <- proc.time()[["elapsed"]] - start
start <- proc.time()[["elapsed"]]
beta <- coef(fit)
beta[is.na(beta)] <- 0  # aliased columns (collinear) get no weight
base <- basehaz(fit, centered = FALSE)
days <- c(30, 60, 90, 120, 150, 180)
h0 <- sapply(days, function(d) { i <- which(base$time <= d); if (length(i) == 0) 0 else base$hazard[max(i)] })
lp <- as.vector(x_holdout %*% beta)
survival <- exp(-outer(exp(lp), h0))
predict_seconds <- proc.time()[["elapsed"]] - start
colnames(survival) <- paste0("s", days)
out <- file(args[2], "w")
writeLines(sprintf("# fit_seconds=%.4f predict_seconds=%.4f survival=%s", fit_seconds, predict_seconds, as.character(packageVersion("survival"))), out)
write.csv(survival, out, row.names = FALSE)
close(out)
