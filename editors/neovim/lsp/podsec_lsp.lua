-- podsec-lsp for Neovim 0.11+: Pod Security Admission diagnostics and quick fixes for Kubernetes YAML.
--
--   vim.opt.runtimepath:append('/path/to/podsec-lsp/editors/neovim')
--   vim.lsp.enable('podsec_lsp')
--
-- Override any field with vim.lsp.config('podsec_lsp', { ... }).

--- Shows the policy PSA applies to the workload under the cursor (the server's podsec/effectivePolicy).
local function show_effective_policy(client, bufnr)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  client:request('podsec/effectivePolicy', params, function(err, result)
    if err then
      vim.notify('podsec: ' .. err.message, vim.log.levels.ERROR)
    elseif result == vim.NIL or result == nil then
      vim.notify('podsec: this buffer is not open on the server', vim.log.levels.WARN)
    else
      local lines = { ('%s%s'):format(
        result.object ~= vim.NIL and result.object or 'this document',
        result.namespace ~= vim.NIL and (' in namespace ' .. result.namespace) or ''
      ) }
      if result.exempt then
        table.insert(lines, 'exempt: ' .. result.exempt)
      else
        for _, mode in ipairs({ 'enforce', 'warn', 'audit' }) do
          local m = result[mode]
          table.insert(lines, ('%-8s %s  (%s)'):format(mode, m.policy, m.source))
        end
      end
      vim.notify(table.concat(lines, '\n'), vim.log.levels.INFO)
    end
  end, bufnr)
end

---@type vim.lsp.Config
return {
  cmd = { 'podsec-lsp' },
  filetypes = { 'yaml' },
  root_markers = { '.podsec.yaml', '.git' },
  -- Answered to the server's workspace/configuration requests for the `podsec` section.
  -- level: 'privileged' | 'baseline' | 'restricted'; version: 'latest' | 'v1.30' | …
  -- Unset, the workspace's Namespace labels and .podsec.yaml decide.
  settings = { podsec = {} },
  on_attach = function(client, bufnr)
    vim.api.nvim_buf_create_user_command(bufnr, 'PodsecPolicy', function()
      show_effective_policy(client, bufnr)
    end, { desc = 'Show the Pod Security policy of the workload under the cursor' })
  end,
}
