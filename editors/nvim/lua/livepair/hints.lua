-- LivePair's findings as inline hints (Error Lens style, as in VS Code): the headline — the cause in at most 60
-- characters — at the end of the line; K (hover) has the rest. Neovim >= 0.11 shows no diagnostic text inline by
-- default, so a newcomer would see only a sign in the gutter. Only LivePair's own diagnostics are configured.
local M = {}

M.HEADLINE_CHARS = 60 -- the daemon's bound (server/livepair/advice/store.py)

local function shorten(text, limit)
  if vim.fn.strchars(text) <= limit then
    return text
  end
  local cut = vim.fn.strcharpart(text, 0, limit - 1)
  local space = cut:match('.*() ')
  if space and space > limit * 0.6 then
    cut = cut:sub(1, space - 1)
  end
  return (cut:gsub('[ ,;:]+$', '')) .. '…'
end

--- The cause in a few words, as the daemon's headline(): the first sentence (or clause), no absolute paths.
function M.headline(message, limit)
  local text = vim.trim((message or ''):gsub('%s+', ' '))
  text = text:gsub('%s[iaou][ntf]?%s?/[%w._@+/-]+', ''):gsub('%s/[%w._@+-]+/[%w._@+/-]+', '')
  local first = text
  for _, sep in ipairs({ '[.!?] ', '; ', ' — ', ' – ' }) do
    local at = first:find(sep)
    if at then
      first = first:sub(1, sep:sub(1, 1) == '[' and at or at - 1)
    end
  end
  first = vim.trim(first):gsub('%.$', '')
  return shorten(first, limit or M.HEADLINE_CHARS)
end

--- Show LivePair's diagnostics from this client with their headline inline (vim.lsp.ClientConfig.on_init).
function M.on_init(client)
  local ns = vim.lsp.diagnostic.get_namespace(client.id, false)
  vim.diagnostic.config({
    virtual_text = {
      spacing = 2,
      prefix = '●',
      source = false,
      format = function(diagnostic)
        return M.headline(diagnostic.message)
      end,
    },
    severity_sort = true,
  }, ns)
end

return M
