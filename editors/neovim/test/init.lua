-- The two lines of the README's setup, exactly as a user's init.lua has them.
vim.opt.runtimepath:append(vim.env.PODSEC_NVIM_DIR)
vim.lsp.enable('podsec_lsp')
