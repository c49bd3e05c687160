-- End-to-end: a headless Neovim with the user's setup (init.lua) opens a manifest with a
-- violation, gets the diagnostic on the right line, applies the quick fix, and sees it go.
-- Run by run.sh; exits 0 when every step passed.

local failures = 0
local function step(ok, what, detail)
  -- Details only for failures: they are what a reader of the CI log needs.
  print(('%s - %s%s'):format(ok and 'ok' or 'not ok', what, (not ok and detail) and (': ' .. detail) or ''))
  if not ok then
    failures = failures + 1
  end
  return ok
end

local function finish()
  print((failures == 0 and 'PASS' or ('FAIL (' .. failures .. ' failed)')) .. '\n')
  vim.cmd((failures == 0) and 'qall!' or 'cquit! 1')
end

-- A workspace whose .podsec.yaml enforces restricted, with one privileged container.
local root = vim.fn.tempname()
vim.fn.mkdir(root, 'p')
vim.fn.writefile({ 'defaults:', '  enforce: restricted', '  enforce-version: latest' }, root .. '/.podsec.yaml')
local manifest = root .. '/web.yaml'
vim.fn.writefile({
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      securityContext:',
  '        runAsNonRoot: true',
  '        seccompProfile: {type: RuntimeDefault}',
  '      containers:',
  '      - name: app',
  '        image: nginx',
  '        securityContext:',
  '          allowPrivilegeEscalation: false',
  '          capabilities: {drop: [ALL]}',
  '          privileged: true',
}, manifest)

vim.cmd.edit(manifest)
local buf = vim.api.nvim_get_current_buf()
step(vim.bo[buf].filetype == 'yaml', 'the manifest is a yaml buffer', vim.bo[buf].filetype)

local client
vim.wait(10000, function()
  client = vim.lsp.get_clients({ bufnr = buf, name = 'podsec_lsp' })[1]
  return client ~= nil and client.initialized
end, 20)
if not step(client ~= nil, 'podsec_lsp attached to the buffer') then
  return finish()
end
step(client.root_dir == vim.uv.fs_realpath(root) or client.root_dir == root, 'root_dir is the folder with .podsec.yaml', client.root_dir)

local function podsec_diagnostics(code)
  return vim.tbl_filter(function(d)
    return d.source == 'podsec' and (code == nil or d.code == code)
  end, vim.diagnostic.get(buf))
end

vim.wait(10000, function()
  return #podsec_diagnostics('privileged') > 0
end, 20)
local found = podsec_diagnostics('privileged')
if not step(#found == 1, 'one privileged diagnostic', vim.inspect(podsec_diagnostics())) then
  return finish()
end
local d = found[1]
step(d.lnum == 16, 'on line 17, the privileged: true line', 'lnum ' .. d.lnum)
step(d.severity == vim.diagnostic.severity.ERROR, 'an error: .podsec.yaml enforces restricted')
step(d.message:find('violates PodSecurity "restricted:latest": privileged', 1, true) ~= nil, 'in PSA words', d.message)
step(#podsec_diagnostics() == 1, 'and nothing else is reported', vim.inspect(podsec_diagnostics()))

-- Ask for the quick fix at the diagnostic, the way a user's code_action() call does, and apply it.
vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
local titles = {}
vim.lsp.buf.code_action({
  apply = true,
  filter = function(action)
    table.insert(titles, action.title)
    return action.kind == 'quickfix' and action.isPreferred == true
  end,
})

vim.wait(10000, function()
  return #podsec_diagnostics('privileged') == 0
end, 20)
step(#podsec_diagnostics('privileged') == 0, 'the diagnostic goes after the fix', 'actions offered: ' .. vim.inspect(titles))
local line = vim.api.nvim_buf_get_lines(buf, 16, 17, false)[1]
step(line ~= nil and line:match('^%s*privileged: false%s*$') ~= nil, 'the fix set privileged: false', vim.inspect(line))
step(vim.bo[buf].modified, 'the fix edited the buffer (not the file behind it)')
step(#podsec_diagnostics() == 0, 'the buffer is clean', vim.inspect(podsec_diagnostics()))

-- :PodsecPolicy asks the server for the workload's policy.
local shown
local notify = vim.notify
vim.notify = function(msg)
  shown = msg
end
vim.cmd('PodsecPolicy')
vim.wait(5000, function()
  return shown ~= nil
end, 20)
vim.notify = notify
step(shown ~= nil and shown:find('Deployment/web', 1, true) ~= nil and shown:find('enforce%s+restricted:latest') ~= nil,
  ':PodsecPolicy shows the enforced policy', vim.inspect(shown))

finish()
