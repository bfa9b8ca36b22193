-- LivePair's findings as inline hints (Error Lens style, as in VS Code): the headline — the cause in at most 60
-- characters, as the daemon sends it with each diagnostic (LSP `data.headline`) — at the end of the line; K
-- (hover) has the rest. Neovim >= 0.11 shows no diagnostic text inline by default, so a newcomer would see only a
-- sign in the gutter. Only LivePair's own diagnostics are configured. The daemon writes the headline (and cuts a
-- message that has no cause of its own), so there is one cut, not one per editor.
local M = {}

M.HEADLINE_CHARS = 60 -- the daemon's bound (server/livepair/advice/store.py)

local function shorten(text, limit)
  if vim.fn.strchars(text) <= limit then
    return text
  end
  return vim.fn.strcharpart(text, 0, limit - 1) .. '…'
end

--- The inline text of a diagnostic: the daemon's headline; the message's first line only when it sent none.
function M.hint(diagnostic)
  local lsp = diagnostic.user_data and diagnostic.user_data.lsp
  local given = type(lsp) == 'table' and type(lsp.data) == 'table' and lsp.data.headline or nil
  if type(given) == 'string' and vim.trim(given) ~= '' then
    return shorten(vim.trim((given:gsub('%s+', ' '))), M.HEADLINE_CHARS)
  end
  return shorten(vim.trim((diagnostic.message or ''):match('[^\n]*')), M.HEADLINE_CHARS)
end

--- Show LivePair's diagnostics from this client with their headline inline (vim.lsp.ClientConfig.on_init).
function M.on_init(client)
  local ns = vim.lsp.diagnostic.get_namespace(client.id, false)
  vim.diagnostic.config({
    virtual_text = {
      spacing = 2,
      prefix = '●',
      source = false,
      format = M.hint,
    },
    severity_sort = true,
  }, ns)
end

return M
